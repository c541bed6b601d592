using System.Buffers.Binary;
using System.Text;

namespace Qwen3Tts.Tests.Formats;

/// <summary>Builds little-endian byte fixtures by hand, independent of the writers under test.</summary>
public sealed class ByteBuilder
{
    private readonly List<byte> bytes = [];

    public int Length => bytes.Count;

    public ByteBuilder Bytes(params byte[] values)
    {
        bytes.AddRange(values);
        return this;
    }

    public ByteBuilder Ascii(string text) => Bytes(Encoding.ASCII.GetBytes(text));

    public ByteBuilder U16(ushort v)
    {
        Span<byte> b = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(b, v);
        return Bytes(b.ToArray());
    }

    public ByteBuilder U32(uint v)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, v);
        return Bytes(b.ToArray());
    }

    public ByteBuilder U64(ulong v)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, v);
        return Bytes(b.ToArray());
    }

    public ByteBuilder F32(float v) => U32(BitConverter.SingleToUInt32Bits(v));

    public ByteBuilder F64(double v) => U64(BitConverter.DoubleToUInt64Bits(v));

    /// <summary>A GGUF string: u64 byte length, then UTF-8 bytes.</summary>
    public ByteBuilder GgufString(string text)
    {
        var utf8 = Encoding.UTF8.GetBytes(text);
        return U64((ulong)utf8.Length).Bytes(utf8);
    }

    public ByteBuilder PadTo(int alignment, byte fill = 0)
    {
        while (bytes.Count % alignment != 0)
        {
            bytes.Add(fill);
        }

        return this;
    }

    public byte[] ToArray() => bytes.ToArray();
}
