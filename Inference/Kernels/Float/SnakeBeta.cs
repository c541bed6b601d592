using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Qwen3Tts.Inference.Kernels.Float;

/// <summary>
/// SnakeBeta over time-major rows: <c>y = x + invBeta[c] · sin²(x · alpha[c])</c>, with alpha = e^α and
/// invBeta = 1/(e^β + 1e-9) precomputed per channel. Costs one sine per element (~2.8 M per frame in the 12 Hz
/// decoder); .NET's <c>VectorNNN.Sin</c> took ~8 % of a decode there, so the sine is our own
/// (<see cref="SnakeSine"/>): the same sequence of roundings on every path, so Avx512, Avx2, Neon and the
/// scalar path give identical bits. Rows are processed over their whole padded stride (a multiple of 16) on
/// the SIMD paths, so narrow layers need no tail; padded lanes hold don't-care values that no layer reads.
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
            var c = path switch
            {
                FloatKernelPath.Avx512 => Row512(x, y, alpha, invBeta),
                FloatKernelPath.Avx2 => Row256(x, y, alpha, invBeta),
                FloatKernelPath.Neon => Row128(x, y, alpha, invBeta),
                _ => 0,
            };
            RowScalar(x, y, alpha, invBeta, c);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RowScalar(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> alpha, ReadOnlySpan<float> invBeta, int from)
    {
        for (var c = from; c < x.Length; c++)
        {
            y[c] = MathF.FusedMultiplyAdd(SnakeSine.Squared(x[c] * alpha[c]), invBeta[c], x[c]);
        }
    }

    private static int Row512(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> alpha, ReadOnlySpan<float> invBeta)
    {
        var c = 0;
        for (; c + 16 <= x.Length; c += 16)
        {
            var v = Vector512.Create(x.Slice(c, 16));
            var z = v * Vector512.Create(alpha.Slice(c, 16));
            if (Vector512.GreaterThanAny(Vector512.Abs(z), Vector512.Create(SnakeSine.ReducedRange)))
            {
                RowScalar(x[..(c + 16)], y, alpha, invBeta, c);
                continue;
            }
            Vector512.FusedMultiplyAdd(SnakeSine.Squared(z), Vector512.Create(invBeta.Slice(c, 16)), v).CopyTo(y.Slice(c, 16));
        }
        return c;
    }

    private static int Row256(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> alpha, ReadOnlySpan<float> invBeta)
    {
        var c = 0;
        for (; c + 8 <= x.Length; c += 8)
        {
            var v = Vector256.Create(x.Slice(c, 8));
            var z = v * Vector256.Create(alpha.Slice(c, 8));
            if (Vector256.GreaterThanAny(Vector256.Abs(z), Vector256.Create(SnakeSine.ReducedRange)))
            {
                RowScalar(x[..(c + 8)], y, alpha, invBeta, c);
                continue;
            }
            Vector256.FusedMultiplyAdd(SnakeSine.Squared(z), Vector256.Create(invBeta.Slice(c, 8)), v).CopyTo(y.Slice(c, 8));
        }
        return c;
    }

    private static int Row128(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> alpha, ReadOnlySpan<float> invBeta)
    {
        var c = 0;
        for (; c + 4 <= x.Length; c += 4)
        {
            var v = Vector128.Create(x.Slice(c, 4));
            var z = v * Vector128.Create(alpha.Slice(c, 4));
            if (Vector128.GreaterThanAny(Vector128.Abs(z), Vector128.Create(SnakeSine.ReducedRange)))
            {
                RowScalar(x[..(c + 4)], y, alpha, invBeta, c);
                continue;
            }
            Vector128.FusedMultiplyAdd(SnakeSine.Squared(z), Vector128.Create(invBeta.Slice(c, 4)), v).CopyTo(y.Slice(c, 4));
        }
        return c;
    }
}
