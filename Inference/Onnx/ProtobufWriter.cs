using System.Buffers.Binary;
using System.Text;

namespace Qwen3Tts.Inference.Onnx;

/// <summary>Protobuf wire types (the low three bits of a field tag).</summary>
public enum WireType
{
    Varint = 0,
    Fixed64 = 1,
    LengthDelimited = 2,
    Fixed32 = 5,
}

/// <summary>
/// Writes protobuf wire format to a stream. Length-delimited fields take their length up front
/// (<see cref="WriteLengthPrefix"/>), so a caller that knows a payload's size can stream the payload
/// itself instead of building it in memory first; the static <c>*Size</c> helpers compute those lengths.
/// </summary>
public sealed class ProtobufWriter
{
    private readonly Stream _stream;
    private readonly byte[] _scratch = new byte[10];

    public ProtobufWriter(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
    }

    public Stream Stream => _stream;

    public void WriteTag(int field, WireType wireType) => WriteVarint(((ulong)(uint)field << 3) | (uint)wireType);

    public void WriteVarint(ulong value)
    {
        var n = 0;
        while (value >= 0x80)
        {
            _scratch[n++] = (byte)(value | 0x80);
            value >>= 7;
        }
        _scratch[n++] = (byte)value;
        _stream.Write(_scratch, 0, n);
    }

    /// <summary>int32/int64/enum/bool fields: negative values are written as 10-byte two's complement, as protobuf requires.</summary>
    public void WriteInt64Field(int field, long value)
    {
        WriteTag(field, WireType.Varint);
        WriteVarint(unchecked((ulong)value));
    }

    public void WriteFloatField(int field, float value)
    {
        WriteTag(field, WireType.Fixed32);
        BinaryPrimitives.WriteSingleLittleEndian(_scratch, value);
        _stream.Write(_scratch, 0, 4);
    }

    public void WriteDoubleField(int field, double value)
    {
        WriteTag(field, WireType.Fixed64);
        BinaryPrimitives.WriteDoubleLittleEndian(_scratch, value);
        _stream.Write(_scratch, 0, 8);
    }

    public void WriteBytesField(int field, ReadOnlySpan<byte> payload)
    {
        WriteLengthPrefix(field, payload.Length);
        _stream.Write(payload);
    }

    public void WriteStringField(int field, string value) => WriteBytesField(field, Encoding.UTF8.GetBytes(value));

    /// <summary>Tag and length of a length-delimited field; the caller then writes exactly <paramref name="payloadLength"/> bytes.</summary>
    public void WriteLengthPrefix(int field, long payloadLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(payloadLength);
        WriteTag(field, WireType.LengthDelimited);
        WriteVarint((ulong)payloadLength);
    }

    public static int VarintSize(ulong value)
    {
        var n = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            n++;
        }
        return n;
    }

    public static int TagSize(int field) => VarintSize((ulong)(uint)field << 3);

    /// <summary>Total encoded size of a length-delimited field whose payload is <paramref name="payloadLength"/> bytes.</summary>
    public static long LengthDelimitedFieldSize(int field, long payloadLength) =>
        TagSize(field) + VarintSize((ulong)payloadLength) + payloadLength;

    /// <summary>Serialises a small message in memory (node, attribute, value info) so its length is known.</summary>
    public static byte[] Build(Action<ProtobufWriter> write)
    {
        using var buffer = new MemoryStream();
        write(new ProtobufWriter(buffer));
        return buffer.ToArray();
    }
}
