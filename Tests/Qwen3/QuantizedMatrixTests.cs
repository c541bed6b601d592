using Qwen3Tts.Inference.Kernels.Linear;
using Qwen3Tts.Inference.Qwen3;
using Qwen3Tts.Tests.Oracle;

namespace Qwen3Tts.Tests.Qwen3;

public class QuantizedMatrixTests
{
    private static readonly RowParallelism TwoWorkersAlwaysSplit = new(2, minWeightsToSplit: 0);

    [Fact]
    public void Float32MatVecMatchesDoubleReference()
    {
        var random = new Random(1);
        var data = RandomQwen3.Values(random, 40 * 96, 1f);
        var x = RandomQwen3.Values(random, 96, 1f);
        var m = QuantizedMatrix.FromFloat32(data, 40, 96);
        var y = new float[40];
        m.MatVec(x, y, RowParallelism.Sequential);
        var expected = Qwen3ReferenceForward.Linear(data, x.Select(v => (double)v).ToArray(), 40);
        for (var r = 0; r < 40; r++)
        {
            Assert.Equal(expected[r], y[r], 1e-4);
        }
    }

    [Fact]
    public void Q8MatVecMatchesDequantizedWeightsWithinActivationQuantizationError()
    {
        var random = new Random(2);
        var m = QuantizedMatrix.QuantizeToQ8_0(RandomQwen3.Values(random, 64 * 128, 0.1f), 64, 128);
        var x = RandomQwen3.Values(random, 128, 1f);
        var y = new float[64];
        m.MatVec(x, y, RowParallelism.Sequential);
        var expected = Qwen3ReferenceForward.Linear(m.ToFloat32(), x.Select(v => (double)v).ToArray(), 64);
        for (var r = 0; r < 64; r++)
        {
            // Rounding x to 8 bits moves each term by at most |w| * d_x / 2: here 0.1 * (1/127) / 2 * 128 terms,
            // and random signs keep the real error far below that bound.
            Assert.True(Math.Abs(expected[r] - y[r]) < 0.01, $"row {r}: {y[r]} vs {expected[r]}");
        }
    }

    [Theory]
    [InlineData(WeightFormat.Float32)]
    [InlineData(WeightFormat.Q8_0)]
    [InlineData(WeightFormat.Q4_0)]
    public void BatchedAndParallelProductsAreBitIdenticalToSingleSequential(WeightFormat format)
    {
        var random = new Random(3);
        var m = RandomQwen3.Matrix(random, 72, 160, format);
        const int n = 5;
        var x = RandomQwen3.Values(random, n * 160, 1f);
        var batched = new float[n * 72];
        m.MatMul(x, n, batched, TwoWorkersAlwaysSplit);
        for (var i = 0; i < n; i++)
        {
            var single = new float[72];
            m.MatVec(x.AsSpan(i * 160, 160), single, RowParallelism.Sequential);
            Assert.Equal(single, batched.AsSpan(i * 72, 72).ToArray());
        }
    }

    [Fact]
    public void SharedInputProductsEqualSeparateProducts()
    {
        var random = new Random(7);
        var a = RandomQwen3.Matrix(random, 40, 96, WeightFormat.Q8_0);
        var b = RandomQwen3.Matrix(random, 24, 96, WeightFormat.Float32);
        var c = RandomQwen3.Matrix(random, 33, 96, WeightFormat.Q8_0);
        var x = RandomQwen3.Values(random, 2 * 96, 1f);
        var (ya, yb, yc) = (new float[80], new float[48], new float[66]);
        QuantizedMatrix.MatMulSharedInput(x, 2, a, ya, b, yb, c, yc, TwoWorkersAlwaysSplit);
        foreach (var (m, y) in new[] { (a, ya), (b, yb), (c, yc) })
        {
            var separate = new float[y.Length];
            m.MatMul(x, 2, separate, RowParallelism.Sequential);
            Assert.Equal(separate, y);
        }
        var wide = RandomQwen3.Matrix(random, 8, 128, WeightFormat.Q8_0);
        var e = Assert.Throws<ArgumentException>(() => QuantizedMatrix.MatMulSharedInput(x, 2, a, ya, wide, new float[16], null, default, null));
        Assert.Contains("same width", e.Message);
    }

    [Theory]
    [InlineData(WeightFormat.Float32)]
    [InlineData(WeightFormat.Float16)]
    [InlineData(WeightFormat.BFloat16)]
    [InlineData(WeightFormat.Q8_0)]
    [InlineData(WeightFormat.Q4_0)]
    public void EveryKernelPathGivesTheSameProduct(WeightFormat format)
    {
        var random = new Random(4);
        var m = RandomQwen3.Matrix(random, 50, 256, format);
        var x = RandomQwen3.Values(random, 3 * 256, 2f);
        m.KernelPath = LinearKernelPath.Scalar;
        var expected = new float[150];
        m.MatMul(x, 3, expected, RowParallelism.Sequential);
        foreach (var path in LinearKernels.Supported().Append(LinearKernelPath.Auto))
        {
            m.KernelPath = path;
            var y = new float[150];
            m.MatMul(x, 3, y, RowParallelism.Sequential);
            Assert.Equal(expected, y);
        }
    }

    [Fact]
    public void FromQ8_0ReadsGgmlBlocksAndToFloat32ExpandsThem()
    {
        var random = new Random(6);
        var values = RandomQwen3.Values(random, 2 * 64, 1f);
        var bytes = new byte[4 * 34];
        Q8Blocks.Quantize(values, bytes);
        var expected = new float[128];
        Q8Blocks.Dequantize(bytes, expected);
        var m = QuantizedMatrix.FromQ8_0(bytes, 2, 64);
        Assert.Equal(WeightFormat.Q8_0, m.Format);
        Assert.Equal(expected, m.ToFloat32());
        Assert.Equal(expected, QuantizedMatrix.QuantizeToQ8_0(values, 2, 64).ToFloat32());
    }

    [Fact]
    public void RejectsWrongSizesWithTheNumbers()
    {
        var e = Assert.Throws<ArgumentException>(() => QuantizedMatrix.FromQ8_0(new byte[33], 1, 32));
        Assert.Contains("needs 34 bytes, got 33", e.Message);
        e = Assert.Throws<ArgumentException>(() => QuantizedMatrix.FromQ8_0(new byte[34], 1, 30));
        Assert.Contains("divisible by 32", e.Message);
        e = Assert.Throws<ArgumentException>(() => QuantizedMatrix.FromFloat32(new float[5], 2, 3));
        Assert.Contains("needs 6 values, got 5", e.Message);
        var m = QuantizedMatrix.FromFloat32(new float[6], 2, 3);
        e = Assert.Throws<ArgumentException>(() => m.MatVec(new float[4], new float[2]));
        Assert.Contains("got 4", e.Message);
        e = Assert.Throws<ArgumentException>(() => m.MatMul(new float[6], 2, new float[3]));
        Assert.Contains("needs 4 values, got 3", e.Message);
    }
}
