using Qwen3Tts.Inference.Qwen3;

namespace Qwen3Tts.Tests.Qwen3;

public class Q8BlocksTests
{
    [Fact]
    public void QuantizesBlockWithAmax16AsGgmlDoes()
    {
        // x = -16..15: amax 16, d = 16/127 = 0.1259842… → half 0x3008 (exp -3, mantissa 8/1024).
        var x = new float[32];
        for (var j = 0; j < 32; j++)
        {
            x[j] = j - 16;
        }
        var bytes = new byte[34];
        Q8Blocks.Quantize(x, bytes);

        Assert.Equal(0x08, bytes[0]);
        Assert.Equal(0x30, bytes[1]);
        Assert.Equal(-127, (sbyte)bytes[2]);       // -16 * 127/16
        Assert.Equal(-64, (sbyte)bytes[2 + 8]);    // -8 → -63.5 rounds away from zero
        Assert.Equal(0, (sbyte)bytes[2 + 16]);     // 0
        Assert.Equal(64, (sbyte)bytes[2 + 24]);    // 8 → 63.5 → 64
        Assert.Equal(119, (sbyte)bytes[2 + 31]);   // 15 → 119.0625
    }

    [Fact]
    public void QuantizeToQ8_0MatrixHoldsTheHandComputedValues()
    {
        var x = new float[2 * 32];
        for (var j = 0; j < 32; j++)
        {
            x[j] = j - 16;      // row 0: d = half(16/127) = 0x3008 = 0.1259765625
            x[32 + j] = 0.25f;  // row 1: amax 0.25, every code 127
        }
        var values = QuantizedMatrix.QuantizeToQ8_0(x, 2, 32).ToFloat32();
        const float d0 = 0.1259765625f;
        Assert.Equal(-127 * d0, values[0]);
        Assert.Equal(-64 * d0, values[8]);
        Assert.Equal(64 * d0, values[24]);
        Assert.Equal(119 * d0, values[31]);
        Assert.Equal(127 * (float)(Half)(0.25f / 127f), values[32]);
    }

    [Fact]
    public void RoundsHalvesAwayFromZeroWithUnitScale()
    {
        var x = new float[32];
        x[0] = 127f; // d = 1, half 0x3C00
        x[1] = 2.5f;
        x[2] = -2.5f;
        x[3] = 0.5f;
        x[4] = 1.5f;
        x[5] = -0.49f;
        var bytes = new byte[34];
        Q8Blocks.Quantize(x, bytes);

        Assert.Equal(new byte[] { 0x00, 0x3C }, bytes[..2]);
        Assert.Equal(new sbyte[] { 127, 3, -3, 1, 2, 0 }, bytes[2..8].Select(b => (sbyte)b).ToArray());
    }

    [Fact]
    public void ZeroBlockHasZeroScaleAndCodes()
    {
        var bytes = new byte[68];
        bytes.AsSpan().Fill(0xFF);
        Q8Blocks.Quantize(new float[64], bytes);
        Assert.All(bytes, b => Assert.Equal(0, b));
    }

    [Fact]
    public void DequantizeInvertsWithinHalfAStep()
    {
        var random = new Random(5);
        var x = RandomQwen3.Values(random, 96, 3f);
        var bytes = new byte[3 * 34];
        Q8Blocks.Quantize(x, bytes);
        var back = new float[96];
        Q8Blocks.Dequantize(bytes, back);
        for (var b = 0; b < 3; b++)
        {
            var d = (float)BitConverter.ToHalf(bytes, b * 34);
            for (var j = 0; j < 32; j++)
            {
                // Codes were computed with the f32 d, values use the half d: allow half a step plus the scale rounding.
                Assert.True(MathF.Abs(back[b * 32 + j] - x[b * 32 + j]) <= 0.5f * d + 127f * d / 1024f,
                    $"block {b} element {j}: {x[b * 32 + j]} came back as {back[b * 32 + j]}");
            }
        }
    }

    [Fact]
    public void RejectsLengthsThatAreNotWholeBlocks()
    {
        var e = Assert.Throws<ArgumentException>(() => Q8Blocks.Quantize(new float[33], new byte[34]));
        Assert.Contains("multiple of 32", e.Message);
        Assert.Throws<ArgumentException>(() => Q8Blocks.Quantize(new float[32], new byte[33]));
    }
}
