using Qwen3Tts.Inference.Kernels.Attention;
using Qwen3Tts.Inference.Kernels.Float;

namespace Qwen3Tts.Tests.Kernels;

/// <summary>
/// The attention loops (<see cref="AttentionKernels"/>): every SIMD path against the scalar one bit for bit, over head
/// widths with and without a tail past the 16 lanes and spans that leave every position remainder, and the scalar one
/// against a plain double-precision dot product and weighted sum.
/// </summary>
public sealed unsafe class AttentionKernelTests
{
    private static readonly (int HeadDim, int Stride, int Span)[] Shapes =
    [
        (16, 16, 1), (16, 32, 7), (20, 24, 3), (64, 128, 37), (128, 1024, 300), (136, 272, 5), (8, 8, 2), (128, 128, 1),
    ];

    /// <summary>Every SIMD path, on hardware where this CPU has it and through .NET's software vectors elsewhere (the tiles use only the portable vector API), so the AVX-512 and NEON code is checked on every machine.</summary>
    public static TheoryData<FloatKernelPath> SimdPaths() => [.. Enum.GetValues<FloatKernelPath>().Where(p => p != FloatKernelPath.Generic)];

    [Theory]
    [MemberData(nameof(SimdPaths))]
    public void EverySimdPathEqualsTheGenericOneBitForBit(FloatKernelPath path)
    {
        var random = new Random(11);
        foreach (var (headDim, stride, span) in Shapes)
        {
            var (query, cache, weights, offset) = Inputs(random, headDim, stride, span);
            Assert.Equal(Bits(Scores(FloatKernelPath.Generic, query, cache, offset, stride, span, headDim)), Bits(Scores(path, query, cache, offset, stride, span, headDim)));
            Assert.Equal(Bits(Mix(FloatKernelPath.Generic, weights, cache, offset, stride, span, headDim)), Bits(Mix(path, weights, cache, offset, stride, span, headDim)));
        }
    }

    [Fact]
    public void TheGenericPathComputesScaledDotProductsAndWeightedSums()
    {
        var random = new Random(12);
        foreach (var (headDim, stride, span) in Shapes)
        {
            var (query, cache, weights, offset) = Inputs(random, headDim, stride, span);
            var scores = Scores(FloatKernelPath.Generic, query, cache, offset, stride, span, headDim);
            var mixed = Mix(FloatKernelPath.Generic, weights, cache, offset, stride, span, headDim);
            for (var t = 0; t < span; t++)
            {
                var dot = 0.0;
                for (var d = 0; d < headDim; d++)
                {
                    dot += (double)query[d] * cache[t * stride + offset + d];
                }
                Assert.True(Math.Abs(dot * 0.125 - scores[t]) < 1e-5, $"head {headDim} span {span}: score {t} {scores[t]} vs {dot * 0.125}");
            }
            for (var d = 0; d < headDim; d++)
            {
                var sum = 0.0;
                for (var t = 0; t < span; t++)
                {
                    sum += (double)weights[t] * cache[t * stride + offset + d];
                }
                Assert.True(Math.Abs(sum - mixed[d]) < 1e-4, $"head {headDim} span {span}: column {d} {mixed[d]} vs {sum}");
            }
        }
    }

    private static float[] Scores(FloatKernelPath path, float[] query, float[] cache, int offset, int stride, int span, int headDim)
    {
        var scores = new float[span];
        fixed (float* q = query, k = cache, s = scores)
        {
            AttentionKernels.Scores(path, q, k + offset, stride, span, headDim, 0.125f, s);
        }
        return scores;
    }

    private static float[] Mix(FloatKernelPath path, float[] weights, float[] cache, int offset, int stride, int span, int headDim)
    {
        // Filled with a marker: Mix must overwrite every column, not add to what was there.
        var output = Enumerable.Repeat(float.NaN, headDim).ToArray();
        fixed (float* w = weights, v = cache, o = output)
        {
            AttentionKernels.Mix(path, w, v + offset, stride, span, headDim, o);
        }
        return output;
    }

    /// <summary>A query, a cache of span rows (the head at the end of each, so an offset and a stride are exercised) and mix weights.</summary>
    private static (float[] Query, float[] Cache, float[] Weights, int Offset) Inputs(Random random, int headDim, int stride, int span) =>
        (RandomArray(random, headDim), RandomArray(random, span * stride), RandomArray(random, span), stride - headDim);

    private static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();

    private static float[] RandomArray(Random random, int length)
    {
        var values = new float[length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (float)random.NextDouble() * 2 - 1;
        }
        return values;
    }
}
