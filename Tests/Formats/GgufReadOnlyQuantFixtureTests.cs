using Qwen3Tts.Inference.Formats.Gguf;

namespace Qwen3Tts.Tests.Formats;

/// <summary>Hand-made blocks of the read-only types found in llama.cpp's Q4_1/Q5_x/Q4_K_M/Q5_K_M files.</summary>
public sealed class GgufReadOnlyQuantFixtureTests
{
    private static float[] Decode(GgmlType type, byte[] block, int count)
    {
        var result = new float[count];
        GgmlQuantization.Dequantize(type, block, result);
        return result;
    }

    [Fact]
    public void Q4_1DecodesScaleTimesNibblePlusMinimum()
    {
        var b = new ByteBuilder().U16(0x3800).U16(0xC000); // d = 0.5, m = -2
        var qs = new byte[16];
        qs[0] = 0xF3; // element 0: 3*0.5-2 = -0.5, element 16: 15*0.5-2 = 5.5
        var expected = Enumerable.Repeat(-2f, 32).ToArray();
        expected[0] = -0.5f;
        expected[16] = 5.5f;
        Assert.Equal(expected, Decode(GgmlType.Q4_1, b.Bytes(qs).ToArray(), 32));
    }

    [Fact]
    public void Q5_0TakesFifthBitFromMask()
    {
        // d = 1; bit 0 of the mask is element 0's fifth bit, bit 16 is element 16's.
        var b = new ByteBuilder().U16(0x3C00).U32(1u | (1u << 16) | (1u << 31));
        var qs = Enumerable.Repeat((byte)0x00, 16).ToArray();
        qs[0] = 0x21; // element 0: (1 | 16) - 16 = 1, element 16: (2 | 16) - 16 = 2
        var expected = Enumerable.Repeat(-16f, 32).ToArray();
        expected[0] = 1f;
        expected[16] = 2f;
        expected[31] = 0f; // mask bit 31 = element 31's fifth bit: 16 - 16
        Assert.Equal(expected, Decode(GgmlType.Q5_0, b.Bytes(qs).ToArray(), 32));
    }

    [Fact]
    public void Q5_1AddsMinimumInsteadOfOffset()
    {
        var b = new ByteBuilder().U16(0x3800).U16(0x3C00).U32(1u); // d = 0.5, m = 1, element 0 fifth bit set
        var qs = new byte[16];
        qs[0] = 0x01; // element 0: 17*0.5+1 = 9.5
        var expected = Enumerable.Repeat(1f, 32).ToArray();
        expected[0] = 9.5f;
        Assert.Equal(expected, Decode(GgmlType.Q5_1, b.Bytes(qs).ToArray(), 32));
    }

    [Fact]
    public void Q4_KUnpacksSixBitScalesAndMinimums()
    {
        var block = new byte[144];
        block[0] = 0x00; block[1] = 0x3C; // d = 1
        block[2] = 0x00; block[3] = 0x38; // dmin = 0.5
        block[4 + 0] = 2;    // sub-block 0: scale 2
        block[4 + 4] = 1;    // sub-block 0: min 1
        block[4 + 8] = 0x13; // sub-block 4: scale 3 (low nibble), min 1 (high nibble)
        block[16 + 0] = 0x35; // element 0 (low nibble 5), element 32 (high nibble 3, sub-block 1: scale 0)
        block[16 + 64] = 0x07; // element 128 (sub-block 4) low nibble 7
        var expected = new float[256];
        for (var i = 0; i < 32; i++)
        {
            expected[i] = -0.5f;        // 2*0 - 0.5*1
            expected[128 + i] = -0.5f;  // 3*0 - 0.5*1
        }

        expected[0] = 9.5f;    // 2*5 - 0.5
        expected[128] = 20.5f; // 3*7 - 0.5
        Assert.Equal(expected, Decode(GgmlType.Q4_K, block, 256));
    }

    [Fact]
    public void Q6_KCombinesLowNibblesHighPairsAndSignedScales()
    {
        var block = new byte[210];
        block[208] = 0x00; block[209] = 0x38; // d = 0.5
        block[192 + 0] = 2;    // scale for elements 0..15
        block[192 + 4] = 0xFF; // scale -1 for elements 64..79
        block[0] = 0x21;       // element 0 low nibble 1, element 64 low nibble 2
        block[128] = 0b10;     // element 0 high pair 2 -> q = 1 | 32 = 33
        var expected = new float[256];
        for (var i = 0; i < 16; i++)
        {
            expected[i] = 0.5f * 2 * -32;
            expected[64 + i] = 0.5f * -1 * -32;
        }

        expected[0] = 0.5f * 2 * 1;      // 33 - 32
        expected[64] = 0.5f * -1 * -30; // 2 - 32
        Assert.Equal(expected, Decode(GgmlType.Q6_K, block, 256));
    }
}
