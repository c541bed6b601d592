using Qwen3Tts.Inference.Onnx;

namespace Qwen3Tts.Tests.Vocoder;

public sealed class ProtobufWriterTests
{
    private static byte[] Encode(Action<ProtobufWriter> write) => ProtobufWriter.Build(write);

    [Theory]
    [InlineData(0UL, new byte[] { 0x00 })]
    [InlineData(1UL, new byte[] { 0x01 })]
    [InlineData(127UL, new byte[] { 0x7F })]
    [InlineData(128UL, new byte[] { 0x80, 0x01 })]
    [InlineData(300UL, new byte[] { 0xAC, 0x02 })]
    public void VarintsMatchTheWireFormat(ulong value, byte[] expected)
    {
        Assert.Equal(expected, Encode(w => w.WriteVarint(value)));
        Assert.Equal(expected.Length, ProtobufWriter.VarintSize(value));
    }

    [Fact]
    public void NegativeInt64IsTenBytesOfTwosComplement()
    {
        var bytes = Encode(w => w.WriteInt64Field(3, -1));
        Assert.Equal([0x18, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], bytes);
    }

    [Fact]
    public void FixedAndLengthDelimitedFields()
    {
        Assert.Equal([0x15, 0x00, 0x00, 0x80, 0x3F], Encode(w => w.WriteFloatField(2, 1f)));
        Assert.Equal([0x0A, 0x03, (byte)'a', (byte)'b', (byte)'c'], Encode(w => w.WriteStringField(1, "abc")));
        // Field 16 needs a two-byte tag, length 300 a two-byte varint.
        Assert.Equal(2 + 2 + 300, ProtobufWriter.LengthDelimitedFieldSize(16, 300));
        Assert.Equal([0x82, 0x01, 0xAC, 0x02], Encode(w => w.WriteLengthPrefix(16, 300)));
    }
}
