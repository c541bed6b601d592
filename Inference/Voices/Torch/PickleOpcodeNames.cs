namespace Qwen3Tts.Inference.Voices.Torch;

/// <summary>Names of the pickle opcodes the reader refuses, so an error says which one a file used.</summary>
internal static class PickleOpcodeNames
{
    private static readonly Dictionary<byte, string> Names = new()
    {
        [(byte)'b'] = "BUILD: sets an object's state",
        [(byte)'i'] = "INST: builds a class instance",
        [(byte)'o'] = "OBJ: builds a class instance",
        [0x81] = "NEWOBJ: builds a class instance",
        [0x92] = "NEWOBJ_EX: builds a class instance",
        [(byte)'P'] = "PERSID",
        [0x82] = "EXT1",
        [0x83] = "EXT2",
        [0x84] = "EXT4",
        [(byte)'I'] = "INT (protocol 0)",
        [(byte)'L'] = "LONG (protocol 0)",
        [(byte)'F'] = "FLOAT (protocol 0)",
        [(byte)'S'] = "STRING (protocol 0)",
        [(byte)'T'] = "BINSTRING",
        [(byte)'U'] = "SHORT_BINSTRING",
        [(byte)'V'] = "UNICODE (protocol 0)",
        [(byte)'B'] = "BINBYTES",
        [(byte)'C'] = "SHORT_BINBYTES",
        [0x8e] = "BINBYTES8",
        [0x8f] = "EMPTY_SET",
        [0x90] = "ADDITEMS",
        [0x91] = "FROZENSET",
        [0x96] = "BYTEARRAY8",
        [0x97] = "NEXT_BUFFER",
        [0x98] = "READONLY_BUFFER",
        [(byte)'0'] = "POP",
        [(byte)'1'] = "POP_MARK",
        [(byte)'2'] = "DUP",
        [(byte)'g'] = "GET (protocol 0)",
        [(byte)'p'] = "PUT (protocol 0)",
    };

    public static string Of(byte opcode) => Names.TryGetValue(opcode, out var name) ? name : "not a pickle opcode";
}
