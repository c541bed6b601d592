using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Qwen3Tts.Inference.Kernels.Float;

/// <summary>
/// The AVX2 + FMA conv tile: 3 rows × 4 ymm (32 channels) = 12 of the 16 ymm registers as accumulators, the
/// weights read as memory operands of the FMAs (3 broadcasts and 4 weight loads per 12 FMAs; 2 rows took 2 and 4
/// per 8); a 2-ymm variant for 16-channel panels. On an AMD Zen 1 (128-bit FMA units, 512 KB L2) the third row
/// ran a k7 conv of 768 channels at 30.6-31.6 GFLOP/s per core against 26.6-30.0 with two (FMA peak 39.2), and
/// one of 384 channels at 36.3-37.0 against 34.5-35.6: each weight panel read from L2/L3 serves one more row.
/// </summary>
internal static unsafe class ConvTileAvx2
{
    public const int RowsPerTile = 3;

    public static void Run(in ConvTile t)
    {
        if (t.Groups == 2)
        {
            Two(t);
        }
        else
        {
            One(t);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Two(in ConvTile t)
    {
        var b0 = Vector256.Load(t.Bias + 0);
        var b1 = Vector256.Load(t.Bias + 8);
        var b2 = Vector256.Load(t.Bias + 16);
        var b3 = Vector256.Load(t.Bias + 24);
        Vector256<float> c00 = b0, c01 = b1, c02 = b2, c03 = b3;
        Vector256<float> c10 = b0, c11 = b1, c12 = b2, c13 = b3;
        Vector256<float> c20 = b0, c21 = b1, c22 = b2, c23 = b3;
        var w = t.Weights;
        for (var tap = 0; tap < t.Taps; tap++)
        {
            var offset = (long)tap * t.TapStep;
            var x0 = t.Row(0) + offset;
            var x1 = t.Row(1) + offset;
            var x2 = t.Row(2) + offset;
            for (var ci = 0; ci < t.InChannels; ci++)
            {
                var s0 = Vector256.Create(x0[ci]);
                var s1 = Vector256.Create(x1[ci]);
                var s2 = Vector256.Create(x2[ci]);
                c00 = Vector256.FusedMultiplyAdd(Vector256.Load(w + 0), s0, c00);
                c10 = Vector256.FusedMultiplyAdd(Vector256.Load(w + 0), s1, c10);
                c20 = Vector256.FusedMultiplyAdd(Vector256.Load(w + 0), s2, c20);
                c01 = Vector256.FusedMultiplyAdd(Vector256.Load(w + 8), s0, c01);
                c11 = Vector256.FusedMultiplyAdd(Vector256.Load(w + 8), s1, c11);
                c21 = Vector256.FusedMultiplyAdd(Vector256.Load(w + 8), s2, c21);
                c02 = Vector256.FusedMultiplyAdd(Vector256.Load(w + 16), s0, c02);
                c12 = Vector256.FusedMultiplyAdd(Vector256.Load(w + 16), s1, c12);
                c22 = Vector256.FusedMultiplyAdd(Vector256.Load(w + 16), s2, c22);
                c03 = Vector256.FusedMultiplyAdd(Vector256.Load(w + 24), s0, c03);
                c13 = Vector256.FusedMultiplyAdd(Vector256.Load(w + 24), s1, c13);
                c23 = Vector256.FusedMultiplyAdd(Vector256.Load(w + 24), s2, c23);
                w += ConvTile.PanelWidth;
            }
        }
        var stride = t.OutputStride;
        StoreRow(t.Output, t.Residual, c00, c01, c02, c03);
        if (t.Rows > 1)
        {
            StoreRow(t.Output + stride, t.Residual, c10, c11, c12, c13);
        }
        if (t.Rows > 2)
        {
            StoreRow(t.Output + 2L * stride, t.Residual, c20, c21, c22, c23);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void One(in ConvTile t)
    {
        var b0 = Vector256.Load(t.Bias + 0);
        var b1 = Vector256.Load(t.Bias + 8);
        Vector256<float> c00 = b0, c01 = b1, c10 = b0, c11 = b1, c20 = b0, c21 = b1;
        var w = t.Weights;
        for (var tap = 0; tap < t.Taps; tap++)
        {
            var offset = (long)tap * t.TapStep;
            var x0 = t.Row(0) + offset;
            var x1 = t.Row(1) + offset;
            var x2 = t.Row(2) + offset;
            for (var ci = 0; ci < t.InChannels; ci++)
            {
                var s0 = Vector256.Create(x0[ci]);
                var s1 = Vector256.Create(x1[ci]);
                var s2 = Vector256.Create(x2[ci]);
                var w0 = Vector256.Load(w + 0);
                c00 = Vector256.FusedMultiplyAdd(w0, s0, c00);
                c10 = Vector256.FusedMultiplyAdd(w0, s1, c10);
                c20 = Vector256.FusedMultiplyAdd(w0, s2, c20);
                var w1 = Vector256.Load(w + 8);
                c01 = Vector256.FusedMultiplyAdd(w1, s0, c01);
                c11 = Vector256.FusedMultiplyAdd(w1, s1, c11);
                c21 = Vector256.FusedMultiplyAdd(w1, s2, c21);
                w += ConvTile.PanelWidth;
            }
        }
        var stride = t.OutputStride;
        Store(t.Output, t.Residual, c00);
        Store(t.Output + 8, t.Residual, c01);
        if (t.Rows > 1)
        {
            Store(t.Output + stride, t.Residual, c10);
            Store(t.Output + stride + 8, t.Residual, c11);
        }
        if (t.Rows > 2)
        {
            Store(t.Output + 2L * stride, t.Residual, c20);
            Store(t.Output + 2L * stride + 8, t.Residual, c21);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(float* o, bool residual, Vector256<float> a0, Vector256<float> a1, Vector256<float> a2, Vector256<float> a3)
    {
        Store(o + 0, residual, a0);
        Store(o + 8, residual, a1);
        Store(o + 16, residual, a2);
        Store(o + 24, residual, a3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* o, bool residual, Vector256<float> a)
    {
        if (residual)
        {
            a += Vector256.Load(o);
        }
        a.Store(o);
    }
}
