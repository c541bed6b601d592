using System.Buffers.Binary;
using System.Text;

namespace Qwen3Tts.Inference.Voices.Torch;

/// <summary>What a persistent id names: storage <paramref name="Key"/> (the archive's <c>data/KEY</c>) of a type and length.</summary>
internal sealed record StorageRequest(TorchStorageType Type, string Key, string Location, long Numel);

/// <summary>
/// A pickle reader that builds data, never objects: the opcodes <c>torch.save</c> emits for dicts, lists, tuples,
/// strings, numbers and tensors (protocols 2 to 5), and no others. Globals are limited to <see cref="TorchGlobals"/>;
/// REDUCE may call only the tensor rebuild functions and OrderedDict, whose effect here is to build a
/// <see cref="TorchTensor"/> or a <see cref="PickleDict"/>. Every length is checked against the bytes left before
/// anything is allocated, so a hostile or truncated pickle fails with a message naming the byte, in time linear in
/// its size.
/// </summary>
internal sealed class RestrictedUnpickler
{
    private const int MaxStack = 1 << 20;
    private const int MaxMemo = 1 << 20;
    private const int MaxGlobalLine = 256;

    private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly byte[] _data;
    private readonly Func<StorageRequest, TorchStorage> _persistentLoad;
    private readonly List<object?> _stack = [];
    private readonly Stack<int> _marks = new();
    private readonly Dictionary<long, object?> _memo = [];
    private int _position;
    private int _opcodeAt;

    private RestrictedUnpickler(byte[] data, Func<StorageRequest, TorchStorage> persistentLoad)
    {
        _data = data;
        _persistentLoad = persistentLoad;
    }

    /// <summary>The pickled value; <paramref name="persistentLoad"/> supplies the storages persistent ids name.</summary>
    public static object? Load(byte[] pickle, Func<StorageRequest, TorchStorage> persistentLoad) =>
        new RestrictedUnpickler(pickle, persistentLoad).Run();

    private object? Run()
    {
        while (true)
        {
            _opcodeAt = _position;
            var opcode = ReadByte();
            switch (opcode)
            {
                case 0x80: // PROTO
                    var protocol = ReadByte();
                    if (protocol > 5)
                    {
                        throw Bad($"pickle protocol {protocol} is newer than any Python writes (5)");
                    }
                    break;
                case 0x95: // FRAME: a length hint only
                    Skip(8, "frame length");
                    break;
                case (byte)'.': // STOP
                    if (_stack.Count != 1 || _marks.Count != 0)
                    {
                        throw Bad($"the pickle ends with {_stack.Count} values on the stack and {_marks.Count} open marks, not one value");
                    }
                    if (_position != _data.Length)
                    {
                        throw Bad($"{_data.Length - _position} bytes follow the end of the pickle");
                    }
                    return _stack[0];
                case (byte)'(': // MARK
                    _marks.Push(_stack.Count);
                    break;
                case (byte)'}': // EMPTY_DICT
                    Push(new PickleDict());
                    break;
                case (byte)']': // EMPTY_LIST
                    Push(new List<object?>());
                    break;
                case (byte)')': // EMPTY_TUPLE
                    Push(new PickleTuple([]));
                    break;
                case (byte)'t': // TUPLE
                    Push(new PickleTuple(PopMark()));
                    break;
                case 0x85: // TUPLE1
                    Push(new PickleTuple([Pop()]));
                    break;
                case 0x86: // TUPLE2
                {
                    var b = Pop();
                    var a = Pop();
                    Push(new PickleTuple([a, b]));
                    break;
                }
                case 0x87: // TUPLE3
                {
                    var c = Pop();
                    var b = Pop();
                    var a = Pop();
                    Push(new PickleTuple([a, b, c]));
                    break;
                }
                case (byte)'l': // LIST
                    Push(PopMark());
                    break;
                case (byte)'d': // DICT
                    Push(DictOf(PopMark()));
                    break;
                case (byte)'a': // APPEND
                {
                    var item = Pop();
                    ListAt("APPEND").Add(item);
                    break;
                }
                case (byte)'e': // APPENDS
                {
                    var items = PopMark();
                    ListAt("APPENDS").AddRange(items);
                    break;
                }
                case (byte)'s': // SETITEM
                {
                    var value = Pop();
                    var key = Pop();
                    DictAt("SETITEM").Set(key, value, _opcodeAt);
                    break;
                }
                case (byte)'u': // SETITEMS
                {
                    var items = PopMark();
                    if (items.Count % 2 != 0)
                    {
                        throw Bad("SETITEMS has a key without a value");
                    }
                    var dict = DictAt("SETITEMS");
                    for (var i = 0; i < items.Count; i += 2)
                    {
                        dict.Set(items[i], items[i + 1], _opcodeAt);
                    }
                    break;
                }
                case (byte)'N': // NONE
                    Push(null);
                    break;
                case 0x88: // NEWTRUE
                    Push(true);
                    break;
                case 0x89: // NEWFALSE
                    Push(false);
                    break;
                case (byte)'J': // BININT
                    Push((long)BinaryPrimitives.ReadInt32LittleEndian(Take(4, "int")));
                    break;
                case (byte)'K': // BININT1
                    Push((long)ReadByte());
                    break;
                case (byte)'M': // BININT2
                    Push((long)BinaryPrimitives.ReadUInt16LittleEndian(Take(2, "int")));
                    break;
                case 0x8a: // LONG1
                    Push(ReadLong(ReadByte()));
                    break;
                case 0x8b: // LONG4
                    Push(ReadLong(BinaryPrimitives.ReadInt32LittleEndian(Take(4, "int length"))));
                    break;
                case (byte)'G': // BINFLOAT
                    Push(BinaryPrimitives.ReadDoubleBigEndian(Take(8, "float")));
                    break;
                case (byte)'X': // BINUNICODE
                    Push(ReadString(BinaryPrimitives.ReadUInt32LittleEndian(Take(4, "str length"))));
                    break;
                case 0x8c: // SHORT_BINUNICODE
                    Push(ReadString(ReadByte()));
                    break;
                case 0x8d: // BINUNICODE8
                    Push(ReadString(BinaryPrimitives.ReadUInt64LittleEndian(Take(8, "str length"))));
                    break;
                case (byte)'q': // BINPUT
                    Memoize(ReadByte());
                    break;
                case (byte)'r': // LONG_BINPUT
                    Memoize(BinaryPrimitives.ReadUInt32LittleEndian(Take(4, "memo index")));
                    break;
                case 0x94: // MEMOIZE
                    Memoize(_memo.Count);
                    break;
                case (byte)'h': // BINGET
                    Push(Recall(ReadByte()));
                    break;
                case (byte)'j': // LONG_BINGET
                    Push(Recall(BinaryPrimitives.ReadUInt32LittleEndian(Take(4, "memo index"))));
                    break;
                case (byte)'c': // GLOBAL
                {
                    var module = ReadLine();
                    var name = ReadLine();
                    Push(Global(module, name));
                    break;
                }
                case 0x93: // STACK_GLOBAL
                {
                    var name = Pop();
                    var module = Pop();
                    if (module is not string m || name is not string n)
                    {
                        throw Bad("STACK_GLOBAL needs a module and a name as str");
                    }
                    Push(Global(m, n));
                    break;
                }
                case (byte)'Q': // BINPERSID
                    Push(PersistentLoad(Pop()));
                    break;
                case (byte)'R': // REDUCE
                {
                    var args = Pop();
                    var callable = Pop();
                    Push(Reduce(callable, args));
                    break;
                }
                default:
                    throw Bad($"opcode 0x{opcode:x2} ({PickleOpcodeNames.Of(opcode)}) is not allowed in a voice file (only data and tensors are read)");
            }
        }
    }

    private PickleGlobal Global(string module, string name)
    {
        var global = new PickleGlobal(module, name);
        return TorchGlobals.IsAllowed(global)
            ? global
            : throw Bad($"refuses the global '{global}': a voice file holds tensors and plain data only, and loading this one would run or build " +
                        $"something else (allowed: {TorchGlobals.AllowedList})");
    }

    private object? Reduce(object? callable, object? args)
    {
        if (callable is not PickleGlobal global)
        {
            throw Bad($"REDUCE calls {PickleDescribe.Kind(callable)}, which is not a function");
        }
        if (args is not PickleTuple tuple)
        {
            throw Bad($"REDUCE of {global} takes a tuple of arguments, got {PickleDescribe.Kind(args)}");
        }
        if (global == TorchGlobals.RebuildTensorV2)
        {
            return RebuildTensor(tuple.Items);
        }
        if (global == TorchGlobals.RebuildParameter)
        {
            // (data, requires_grad, backward_hooks): a Parameter is its data for reading.
            return tuple.Items is [TorchTensor data, ..] ? data : throw Bad("_rebuild_parameter needs a tensor as its first argument");
        }
        if (global == TorchGlobals.OrderedDict)
        {
            return OrderedDictOf(tuple.Items);
        }
        throw Bad($"REDUCE calls {global}, which is not a function a voice file may call");
    }

    // _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
    private TorchTensor RebuildTensor(IReadOnlyList<object?> args)
    {
        if (args.Count is < 4 or > 7 || args[0] is not TorchStorage storage || args[1] is not long offset
            || args[2] is not PickleTuple size || args[3] is not PickleTuple stride)
        {
            throw Bad("_rebuild_tensor_v2 needs (storage, offset, size tuple, stride tuple, ...)");
        }
        try
        {
            return new TorchTensor(storage, offset, Longs(size, "size"), Longs(stride, "stride"));
        }
        catch (InvalidDataException e)
        {
            throw Bad(e.Message);
        }
    }

    private long[] Longs(PickleTuple tuple, string what)
    {
        if (tuple.Items.Count > 8)
        {
            throw Bad($"a tensor with {tuple.Items.Count} dimensions is not a voice");
        }
        return [.. tuple.Items.Select(v => v is long l ? l : throw Bad($"a tensor {what} holds {PickleDescribe.Kind(v)}, not an int"))];
    }

    private PickleDict OrderedDictOf(IReadOnlyList<object?> args)
    {
        var dict = new PickleDict();
        if (args.Count == 0)
        {
            return dict;
        }
        if (args is not [List<object?> pairs])
        {
            throw Bad("OrderedDict takes no argument or a list of (key, value) pairs");
        }
        foreach (var pair in pairs)
        {
            if (pair is not PickleTuple { Items: [var key, var value] })
            {
                throw Bad("OrderedDict takes (key, value) pairs");
            }
            dict.Set(key, value, _opcodeAt);
        }
        return dict;
    }

    // ('storage', storage_type, key, location, numel), as torch.save's persistent_id writes it.
    private TorchStorage PersistentLoad(object? pid)
    {
        if (pid is not PickleTuple { Items: ["storage", PickleGlobal type, string key, string location, long numel] })
        {
            throw Bad($"a persistent id must be ('storage', type, key, location, numel), got {PickleDescribe.Kind(pid)}");
        }
        var storageType = TorchGlobals.StorageType(type) ?? throw Bad($"'{type}' is not a storage type");
        if (numel < 0)
        {
            throw Bad($"storage '{key}' has a negative length {numel}");
        }
        try
        {
            return _persistentLoad(new StorageRequest(storageType, key, location, numel));
        }
        catch (InvalidDataException e)
        {
            throw Bad(e.Message);
        }
    }

    private PickleDict DictOf(List<object?> items)
    {
        if (items.Count % 2 != 0)
        {
            throw Bad("DICT has a key without a value");
        }
        var dict = new PickleDict();
        for (var i = 0; i < items.Count; i += 2)
        {
            dict.Set(items[i], items[i + 1], _opcodeAt);
        }
        return dict;
    }

    private List<object?> ListAt(string opcode) =>
        _stack.Count > 0 && _stack[^1] is List<object?> list ? list : throw Bad($"{opcode} needs a list below it");

    private PickleDict DictAt(string opcode) =>
        _stack.Count > 0 && _stack[^1] is PickleDict dict ? dict : throw Bad($"{opcode} needs a dict below it");

    private void Push(object? value)
    {
        if (_stack.Count >= MaxStack)
        {
            throw Bad($"the pickle stack grows past {MaxStack} values");
        }
        _stack.Add(value);
    }

    private object? Pop()
    {
        if (_stack.Count == 0 || (_marks.Count > 0 && _marks.Peek() == _stack.Count))
        {
            throw Bad("an opcode takes a value from an empty stack");
        }
        var value = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        return value;
    }

    private List<object?> PopMark()
    {
        if (_marks.Count == 0)
        {
            throw Bad("an opcode needs a MARK that was never set");
        }
        var mark = _marks.Pop();
        var items = _stack.GetRange(mark, _stack.Count - mark);
        _stack.RemoveRange(mark, _stack.Count - mark);
        return items;
    }

    private void Memoize(long index)
    {
        if (_stack.Count == 0)
        {
            throw Bad("a memo put with an empty stack");
        }
        if (index >= MaxMemo || (_memo.Count >= MaxMemo && !_memo.ContainsKey(index)))
        {
            throw Bad($"memo index {index} is beyond the {MaxMemo} entries a voice file could need");
        }
        _memo[index] = _stack[^1];
    }

    private object? Recall(long index) =>
        _memo.TryGetValue(index, out var value) ? value : throw Bad($"memo entry {index} is read before it is written");

    private long ReadLong(long length)
    {
        if (length is < 0 or > 8)
        {
            throw Bad($"an integer of {length} bytes is larger than any value a voice file holds");
        }
        var bytes = Take((int)length, "int");
        long value = 0;
        for (var i = bytes.Length - 1; i >= 0; i--)
        {
            value = (value << 8) | bytes[i];
        }
        // Two's complement, sign taken from the last byte.
        if (bytes.Length is > 0 and < 8 && (bytes[^1] & 0x80) != 0)
        {
            value -= 1L << (8 * bytes.Length);
        }
        return value;
    }

    private string ReadString(ulong length)
    {
        if (length > (ulong)(_data.Length - _position))
        {
            throw Bad($"a str of {length} bytes runs past the end of the pickle ({_data.Length - _position} bytes left): truncated or corrupt");
        }
        var bytes = Take((int)length, "str");
        try
        {
            return Utf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Bad("a str is not valid UTF-8");
        }
    }

    private string ReadLine()
    {
        var end = Array.IndexOf(_data, (byte)'\n', _position, Math.Min(MaxGlobalLine, _data.Length - _position));
        if (end < 0)
        {
            throw Bad($"a GLOBAL name is not ended by a newline within {MaxGlobalLine} bytes");
        }
        var text = Encoding.ASCII.GetString(_data, _position, end - _position);
        _position = end + 1;
        return text;
    }

    private byte ReadByte() => Take(1, "opcode argument")[0];

    private void Skip(int count, string what) => Take(count, what);

    private ReadOnlySpan<byte> Take(int count, string what)
    {
        if (count > _data.Length - _position)
        {
            throw _position == _data.Length && what == "opcode argument" && _opcodeAt == _position
                ? Bad("the pickle ends without a STOP: truncated")
                : Bad($"the pickle is truncated inside a {what} ({_data.Length - _position} of {count} bytes left)");
        }
        var span = _data.AsSpan(_position, count);
        _position += count;
        return span;
    }

    private InvalidDataException Bad(string message) => new($"data.pkl, byte {_opcodeAt}: {message}");
}
