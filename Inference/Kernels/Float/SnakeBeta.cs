using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Qwen3Tts.Inference.Kernels.Float;

/// <summary>
/// SnakeBeta over time-major rows: <c>y = x + invBeta[c] · sin²(x · alpha[c])</c>, with alpha = e^α and
/// invBeta = 1/(e^β + 1e-9) precomputed per channel. Costs one sine per element (~2.8 M per frame in the 12 Hz
/// decoder), so the SIMD paths use the vectorized <c>VectorNNN.Sin</c>. Those agree with the scalar
/// <see cref="MathF.Sin"/> path to a few ulps, not bit for bit (the test allows 1e-6). Rows are processed over
/// their whole padded stride (a multiple of 16), so narrow layers need no scalar tail; padded lanes hold
/// don't-care values that no layer reads.
/// </summary>
public static class SnakeBeta
{
    /// <summary>
    /// Applies it to <paramref name="rows"/> rows of <paramref name="channels"/> values, <paramref name="stride"/>
    /// apart; the SIMD paths also run over the padding up to the stride, so the parameter and row spans must be
    /// that long (a multiple of 16).
    /// </summary>
    public static void Apply(FloatKernelPath path, ReadOnlySpan<float> input, Span<float> output, int rows, int channels, int stride,
        ReadOnlySpan<float> alpha, ReadOnlySpan<float> invBeta)
    {
        var width = path == FloatKernelPath.Generic ? channels : stride;
        for (var r = 0; r < rows; r++)
        {
            var x = input.Slice(r * stride, width);
            var y = output.Slice(r * stride, width);
            switch (path)
            {
                case FloatKernelPath.Avx512:
                    Row512(x, y, alpha, invBeta);
                    break;
                case FloatKernelPath.Avx2:
                    Row256(x, y, alpha, invBeta);
                    break;
                case FloatKernelPath.Neon:
                    Row128(x, y, alpha, invBeta);
                    break;
                default:
                    RowScalar(x, y, alpha, invBeta, 0);
                    break;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RowScalar(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> alpha, ReadOnlySpan<float> invBeta, int from)
    {
        for (var c = from; c < x.Length; c++)
        {
            var s = MathF.Sin(x[c] * alpha[c]);
            y[c] = x[c] + invBeta[c] * (s * s);
        }
    }

    private static void Row512(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> alpha, ReadOnlySpan<float> invBeta)
    {
        var c = 0;
        for (; c + 16 <= x.Length; c += 16)
        {
            var v = Vector512.Create(x.Slice(c, 16));
            var s = Vector512.Sin(v * Vector512.Create(alpha.Slice(c, 16)));
            (v + Vector512.Create(invBeta.Slice(c, 16)) * (s * s)).CopyTo(y.Slice(c, 16));
        }
        RowScalar(x, y, alpha, invBeta, c);
    }

    private static void Row256(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> alpha, ReadOnlySpan<float> invBeta)
    {
        var c = 0;
        for (; c + 8 <= x.Length; c += 8)
        {
            var v = Vector256.Create(x.Slice(c, 8));
            var s = Vector256.Sin(v * Vector256.Create(alpha.Slice(c, 8)));
            (v + Vector256.Create(invBeta.Slice(c, 8)) * (s * s)).CopyTo(y.Slice(c, 8));
        }
        RowScalar(x, y, alpha, invBeta, c);
    }

    private static void Row128(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> alpha, ReadOnlySpan<float> invBeta)
    {
        var c = 0;
        for (; c + 4 <= x.Length; c += 4)
        {
            var v = Vector128.Create(x.Slice(c, 4));
            var s = Vector128.Sin(v * Vector128.Create(alpha.Slice(c, 4)));
            (v + Vector128.Create(invBeta.Slice(c, 4)) * (s * s)).CopyTo(y.Slice(c, 4));
        }
        RowScalar(x, y, alpha, invBeta, c);
    }
}
