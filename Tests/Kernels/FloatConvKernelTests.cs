using Qwen3Tts.Inference.Kernels.Float;
using Qwen3Tts.Inference.Qwen3;

namespace Qwen3Tts.Tests.Kernels;

/// <summary>
/// Every SIMD path of the float conv tile against the portable one, bit for bit, over shapes that hit every
/// tail (short row tiles, 16-lane half panels, one input channel, dilations), and the packing of convs and
/// transposed convs against plain double loops over PyTorch's weight layouts.
/// </summary>
public sealed class FloatConvKernelTests
{
    /// <summary>Every SIMD path, on hardware where this CPU has it and through .NET's software vectors elsewhere (the tiles use only the portable vector API), so the AVX-512 and NEON code is checked on every machine.</summary>
    public static TheoryData<FloatKernelPath> SimdPaths() => [.. Enum.GetValues<FloatKernelPath>().Where(p => p != FloatKernelPath.Generic)];

    [Fact]
    public void ThisMachineHasASimdPath()
    {
        // On x86-64 or ARM64 the tests below must exercise at least one SIMD path, or they prove nothing.
        Assert.Contains(FloatKernelPaths.Best, FloatKernelPaths.Supported);
        Assert.NotEqual(FloatKernelPath.Generic, FloatKernelPaths.Best);
    }

    [Theory]
    [MemberData(nameof(SimdPaths))]
    public void EverySimdPathEqualsTheGenericOneBitForBit(FloatKernelPath path)
    {
        var random = new Random(3);
        foreach (var (outChannels, inChannels, kernel, dilation, rows) in new[]
        {
            (1, 96, 7, 1, 37), (16, 5, 3, 1, 9), (32, 1, 1, 1, 1), (48, 17, 7, 3, 23), (80, 33, 2, 1, 8), (96, 64, 7, 9, 61), (200, 40, 1, 1, 5),
            // Multiples of 96 lanes take the wide AVX-512 tile (4 rows × three panels): short and long row tails.
            (192, 24, 1, 1, 7), (288, 40, 2, 1, 13), (96, 8, 3, 2, 3), (96, 3, 1, 1, 1),
        })
        {
            var weight = RandomArray(random, outChannels * inChannels * kernel);
            var bias = RandomArray(random, outChannels);
            var conv = PackedConv.Conv(weight, bias, outChannels, inChannels, kernel, dilation);
            var inStride = PackedConv.Stride(inChannels) + 16;
            var input = RandomArray(random, (rows + conv.HistoryRows) * inStride);
            foreach (var residual in new[] { false, true })
            {
                var start = RandomArray(random, rows * conv.OutLanes);
                var expected = Run(conv, FloatKernelPath.Generic, input, inStride, rows, start, residual);
                var actual = Run(conv, path, input, inStride, rows, start, residual);
                for (var r = 0; r < rows; r++)
                {
                    for (var o = 0; o < outChannels; o++)
                    {
                        Assert.True(expected[r * conv.OutLanes + o] == actual[r * conv.OutLanes + o],
                            $"{path} out {outChannels} in {inChannels} k {kernel} d {dilation}: row {r} channel {o}: {actual[r * conv.OutLanes + o]} vs {expected[r * conv.OutLanes + o]}");
                    }
                }
            }
        }
    }

    [Theory]
    [InlineData(3, 5, 7, 2)]
    [InlineData(20, 12, 1, 1)]
    public void APackedConvComputesTheCausalConvolution(int outChannels, int inChannels, int kernel, int dilation)
    {
        var random = new Random(5);
        const int rows = 19;
        var weight = RandomArray(random, outChannels * inChannels * kernel);
        var bias = RandomArray(random, outChannels);
        var conv = PackedConv.Conv(weight, bias, outChannels, inChannels, kernel, dilation);
        var x = RandomArray(random, rows * inChannels);                     // [T][in], zeros before t = 0
        var stride = PackedConv.Stride(inChannels);
        var input = new float[(conv.HistoryRows + rows) * stride];
        for (var t = 0; t < rows; t++)
        {
            x.AsSpan(t * inChannels, inChannels).CopyTo(input.AsSpan((conv.HistoryRows + t) * stride));
        }

        var output = Run(conv, FloatKernelPaths.Best, input, stride, rows, new float[rows * conv.OutLanes], residual: false);

        for (var t = 0; t < rows; t++)
        {
            for (var o = 0; o < outChannels; o++)
            {
                double sum = bias[o];
                for (var i = 0; i < inChannels; i++)
                {
                    for (var j = 0; j < kernel; j++)
                    {
                        var source = t - (kernel - 1) * dilation + j * dilation;
                        sum += source >= 0 ? weight[(o * inChannels + i) * kernel + j] * (double)x[source * inChannels + i] : 0;
                    }
                }
                Assert.Equal(sum, output[t * conv.OutLanes + o], 1e-4);
            }
            for (var o = outChannels; o < conv.OutLanes; o++)
            {
                Assert.Equal(0f, output[t * conv.OutLanes + o]);
            }
        }
    }

    [Theory]
    [InlineData(6, 3, 10, 5)]
    [InlineData(4, 7, 2, 2)]
    [InlineData(5, 18, 6, 3)]
    public void APackedTransposedConvComputesTheRightTrimmedConvTranspose(int inChannels, int outChannels, int kernel, int stride)
    {
        var random = new Random(7);
        const int rows = 11;
        var weight = RandomArray(random, inChannels * outChannels * kernel);   // [in, out, k]
        var bias = RandomArray(random, outChannels);
        var conv = PackedConv.Transposed(weight, bias, inChannels, outChannels, kernel, stride);
        var x = RandomArray(random, rows * inChannels);
        var inStride = PackedConv.Stride(inChannels);
        var input = new float[(conv.HistoryRows + rows) * inStride];
        for (var t = 0; t < rows; t++)
        {
            x.AsSpan(t * inChannels, inChannels).CopyTo(input.AsSpan((conv.HistoryRows + t) * inStride));
        }
        var outStride = PackedConv.Stride(outChannels);

        var output = Run(conv, FloatKernelPaths.Best, input, inStride, rows, new float[rows * conv.OutLanes], residual: false);

        // nn.ConvTranspose1d: y[o][t·s + j] += x[i][t] · w[i][o][j], then the last k − s samples dropped.
        for (var n = 0; n < rows * stride; n++)
        {
            for (var o = 0; o < outChannels; o++)
            {
                double sum = bias[o];
                for (var t = 0; t < rows; t++)
                {
                    var j = n - t * stride;
                    if (j >= 0 && j < kernel)
                    {
                        for (var i = 0; i < inChannels; i++)
                        {
                            sum += x[t * inChannels + i] * (double)weight[(i * outChannels + o) * kernel + j];
                        }
                    }
                }
                Assert.Equal(sum, output[n * outStride + o], 1e-4);
            }
        }
    }

    [Theory]
    [MemberData(nameof(SimdPaths))]
    public void SnakeBetaOnEverySimdPathEqualsTheScalarOneBitForBit(FloatKernelPath path)
    {
        var random = new Random(9);
        const int channels = 40;
        var stride = PackedConv.Stride(channels);
        const int rows = 13;
        var input = RandomArray(random, rows * stride, 30f);
        // Values past the polynomial's range, in vectors of ordinary ones, take the scalar sine on every path.
        input[5] = 3e6f;
        input[stride + 17] = -float.MaxValue;
        input[2 * stride + 33] = float.PositiveInfinity;
        var alpha = new float[stride];
        var inverse = new float[stride];
        for (var c = 0; c < channels; c++)
        {
            alpha[c] = MathF.Exp((float)random.NextDouble() - 0.5f);
            inverse[c] = 1f / (MathF.Exp((float)random.NextDouble() - 0.5f) + 1e-9f);
        }
        var expected = new float[input.Length];
        var actual = new float[input.Length];

        SnakeBeta.Apply(FloatKernelPath.Generic, input, expected, rows, channels, stride, alpha, inverse);
        SnakeBeta.Apply(path, input, actual, rows, channels, stride, alpha, inverse);

        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < channels; c++)
            {
                var i = r * stride + c;
                var x = input[i];
                var s = Math.Sin((double)(x * alpha[c]));
                if (float.IsFinite(x) && Math.Abs(x) < 1e5)
                {
                    Assert.Equal(x + inverse[c] * s * s, expected[i], 2e-6 * Math.Max(1, Math.Abs(x)));
                }
                Assert.Equal(BitConverter.SingleToInt32Bits(expected[i]), BitConverter.SingleToInt32Bits(actual[i]));
            }
        }
    }

    [Fact]
    public void SnakesSineSquaredIsWithinThreeTenMillionthsOfTheDoubleOne()
    {
        var random = new Random(12);
        var worst = 0.0;
        foreach (var range in new[] { 1e-3, 2.0, 40, 1e3, 32768, SnakeSine.ReducedRange, 1e8 })
        {
            for (var n = 0; n < 20_000; n++)
            {
                var z = (float)((random.NextDouble() * 2 - 1) * range);
                var s = Math.Sin(z);
                worst = Math.Max(worst, Math.Abs(SnakeSine.Squared(z) - s * s));
            }
        }
        Assert.InRange(worst, 0, 3e-7);
        Assert.Equal(0f, SnakeSine.Squared(0f));
        Assert.True(float.IsNaN(SnakeSine.Squared(float.NaN)) && float.IsNaN(SnakeSine.Squared(float.NegativeInfinity)));
    }

    private static float[] Run(PackedConv conv, FloatKernelPath path, float[] input, int inStride, int rows, float[] start, bool residual)
    {
        var output = (float[])start.Clone();
        var call = new PackedConv.ConvCall(RowParallelism.Sequential, path);
        conv.Run(call, input, inStride, rows, output, conv.OutLanes, residual);
        return output;
    }

    private static float[] RandomArray(Random random, int length, float scale = 1f)
    {
        var values = new float[length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = ((float)random.NextDouble() * 2 - 1) * scale;
        }
        return values;
    }
}
