using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Qwen3Tts.Inference.Codec.Encoder;

/// <summary>
/// The encoder's one product: <c>c[r, o] = bias[o] + Σ_j a[r·aStride + j] · w[o, j]</c> for j &lt; k. A linear
/// layer is aStride = k; a causal conv over time-major rows is the same product with the rows' windows
/// overlapping (aStride = stride · channels, k = taps · channels, weights repacked tap-major), so no im2col
/// copy is made. Blocks of 4 rows × 2 weight rows share their loads (8 accumulators fit the 16 registers of
/// AVX2 and NEON alike); <see cref="Vector{T}"/> makes it the same code on every ISA, only wider or narrower.
/// Rows are split across threads in blocks; each output depends only on its own row, so results do not
/// depend on the thread count.
/// </summary>
internal static class RowProducts
{
    private const int RowBlock = 4;
    private const int WeightBlock = 2;

    /// <summary>Rows per parallel task: enough work (≥ ~0.5 M multiply-adds) to pay for the hand-off.</summary>
    private static int RowsPerTask(int k, int n) => Math.Max(RowBlock, (int)Math.Min(4096, (1 << 19) / Math.Max(1L, (long)k * n)) / RowBlock * RowBlock);

    public static void Multiply(float[] a, int aOffset, int rows, int aStride, int k, float[] w, int n, float[]? bias, float[] c, int cOffset, int threads)
    {
        if (rows <= 0)
        {
            return;
        }
        if ((long)aOffset + (long)(rows - 1) * aStride + k > a.Length || (long)n * k > w.Length || (long)cOffset + (long)rows * n > c.Length
            || (bias is not null && bias.Length < n))
        {
            throw new ArgumentException("row product operands are smaller than their dimensions");
        }
        var perTask = RowsPerTask(k, n);
        var tasks = (rows + perTask - 1) / perTask;
        if (threads <= 1 || tasks == 1)
        {
            Rows(a, aOffset, 0, rows, aStride, k, w, n, bias, c, cOffset);
            return;
        }
        Parallel.For(0, tasks, new ParallelOptions { MaxDegreeOfParallelism = threads }, task =>
        {
            var first = task * perTask;
            Rows(a, aOffset, first, Math.Min(rows, first + perTask), aStride, k, w, n, bias, c, cOffset);
        });
    }

    private static void Rows(float[] a, int aOffset, int first, int end, int aStride, int k, float[] w, int n, float[]? bias, float[] c, int cOffset)
    {
        ref var a0 = ref MemoryMarshal.GetArrayDataReference(a);
        ref var w0 = ref MemoryMarshal.GetArrayDataReference(w);
        var r = first;
        for (; r + RowBlock <= end; r += RowBlock)
        {
            var o = 0;
            for (; o + WeightBlock <= n; o += WeightBlock)
            {
                Block4x2(ref a0, aOffset + r * aStride, aStride, ref w0, o * k, k, c, cOffset + r * n + o, n, bias, o);
            }
            for (; o < n; o++)
            {
                for (var i = 0; i < RowBlock; i++)
                {
                    c[cOffset + (r + i) * n + o] = (bias?[o] ?? 0f) + Dot(ref a0, aOffset + (r + i) * aStride, ref w0, o * k, k);
                }
            }
        }
        for (; r < end; r++)
        {
            for (var o = 0; o < n; o++)
            {
                c[cOffset + r * n + o] = (bias?[o] ?? 0f) + Dot(ref a0, aOffset + r * aStride, ref w0, o * k, k);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block4x2(ref float a0, int aBase, int aStride, ref float w0, int wBase, int k, float[] c, int cBase, int n, float[]? bias, int o)
    {
        var width = Vector<float>.Count;
        Vector<float> s00 = default, s01 = default, s10 = default, s11 = default, s20 = default, s21 = default, s30 = default, s31 = default;
        var j = 0;
        for (; j + width <= k; j += width)
        {
            var wa = Vector.LoadUnsafe(ref w0, (nuint)(wBase + j));
            var wb = Vector.LoadUnsafe(ref w0, (nuint)(wBase + k + j));
            var x0 = Vector.LoadUnsafe(ref a0, (nuint)(aBase + j));
            var x1 = Vector.LoadUnsafe(ref a0, (nuint)(aBase + aStride + j));
            var x2 = Vector.LoadUnsafe(ref a0, (nuint)(aBase + 2 * aStride + j));
            var x3 = Vector.LoadUnsafe(ref a0, (nuint)(aBase + 3 * aStride + j));
            s00 = Vector.FusedMultiplyAdd(x0, wa, s00);
            s01 = Vector.FusedMultiplyAdd(x0, wb, s01);
            s10 = Vector.FusedMultiplyAdd(x1, wa, s10);
            s11 = Vector.FusedMultiplyAdd(x1, wb, s11);
            s20 = Vector.FusedMultiplyAdd(x2, wa, s20);
            s21 = Vector.FusedMultiplyAdd(x2, wb, s21);
            s30 = Vector.FusedMultiplyAdd(x3, wa, s30);
            s31 = Vector.FusedMultiplyAdd(x3, wb, s31);
        }
        float t00 = Vector.Sum(s00), t01 = Vector.Sum(s01), t10 = Vector.Sum(s10), t11 = Vector.Sum(s11);
        float t20 = Vector.Sum(s20), t21 = Vector.Sum(s21), t30 = Vector.Sum(s30), t31 = Vector.Sum(s31);
        for (; j < k; j++)
        {
            var wa = Unsafe.Add(ref w0, wBase + j);
            var wb = Unsafe.Add(ref w0, wBase + k + j);
            var x0 = Unsafe.Add(ref a0, aBase + j);
            var x1 = Unsafe.Add(ref a0, aBase + aStride + j);
            var x2 = Unsafe.Add(ref a0, aBase + 2 * aStride + j);
            var x3 = Unsafe.Add(ref a0, aBase + 3 * aStride + j);
            t00 += x0 * wa;
            t01 += x0 * wb;
            t10 += x1 * wa;
            t11 += x1 * wb;
            t20 += x2 * wa;
            t21 += x2 * wb;
            t30 += x3 * wa;
            t31 += x3 * wb;
        }
        float b0 = bias?[o] ?? 0f, b1 = bias?[o + 1] ?? 0f;
        c[cBase] = b0 + t00;
        c[cBase + 1] = b1 + t01;
        c[cBase + n] = b0 + t10;
        c[cBase + n + 1] = b1 + t11;
        c[cBase + 2 * n] = b0 + t20;
        c[cBase + 2 * n + 1] = b1 + t21;
        c[cBase + 3 * n] = b0 + t30;
        c[cBase + 3 * n + 1] = b1 + t31;
    }

    /// <summary>One row by one weight row, summed in the same order as <see cref="Block4x2"/> so no output depends on its block.</summary>
    private static float Dot(ref float a0, int aBase, ref float w0, int wBase, int k)
    {
        var width = Vector<float>.Count;
        Vector<float> s = default;
        var j = 0;
        for (; j + width <= k; j += width)
        {
            s = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref a0, (nuint)(aBase + j)), Vector.LoadUnsafe(ref w0, (nuint)(wBase + j)), s);
        }
        var t = Vector.Sum(s);
        for (; j < k; j++)
        {
            t += Unsafe.Add(ref a0, aBase + j) * Unsafe.Add(ref w0, wBase + j);
        }
        return t;
    }
}
