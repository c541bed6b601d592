using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Qwen3Tts.Inference.Kernels.Float;

/// <summary>
/// The AVX2 + FMA conv tile: 3 rows × 4 ymm (32 channels) = 12 of the 16 ymm registers as accumulators;
/// a 2-ymm variant for 16-channel panels.
/// </summary>
internal static unsafe class ConvTileAvx2
{
    public const int RowsPerTile = 2;

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
        var c00 = b0;
        var c01 = b1;
        var c02 = b2;
        var c03 = b3;
        var c10 = b0;
        var c11 = b1;
        var c12 = b2;
        var c13 = b3;
        var w = t.Weights;
        for (var tap = 0; tap < t.Taps; tap++)
        {
            var offset = (long)tap * t.TapStep;
            var x0 = t.Row(0) + offset;
            var x1 = t.Row(1) + offset;
            for (var ci = 0; ci < t.InChannels; ci++)
            {
                var s0 = Vector256.Create(x0[ci]);
                var s1 = Vector256.Create(x1[ci]);
                var w0 = Vector256.Load(w + 0);
                c00 = Vector256.FusedMultiplyAdd(w0, s0, c00);
                c10 = Vector256.FusedMultiplyAdd(w0, s1, c10);
                var w1 = Vector256.Load(w + 8);
                c01 = Vector256.FusedMultiplyAdd(w1, s0, c01);
                c11 = Vector256.FusedMultiplyAdd(w1, s1, c11);
                var w2 = Vector256.Load(w + 16);
                c02 = Vector256.FusedMultiplyAdd(w2, s0, c02);
                c12 = Vector256.FusedMultiplyAdd(w2, s1, c12);
                var w3 = Vector256.Load(w + 24);
                c03 = Vector256.FusedMultiplyAdd(w3, s0, c03);
                c13 = Vector256.FusedMultiplyAdd(w3, s1, c13);
                w += ConvTile.PanelWidth;
            }
        }
        var stride = t.OutputStride;
        {
            var o = t.Output + 0L * stride;
            Store(o + 0, t.Residual, c00);
            Store(o + 8, t.Residual, c01);
            Store(o + 16, t.Residual, c02);
            Store(o + 24, t.Residual, c03);
        }
        if (t.Rows > 1) {
            var o = t.Output + 1L * stride;
            Store(o + 0, t.Residual, c10);
            Store(o + 8, t.Residual, c11);
            Store(o + 16, t.Residual, c12);
            Store(o + 24, t.Residual, c13);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void One(in ConvTile t)
    {
        var b0 = Vector256.Load(t.Bias + 0);
        var b1 = Vector256.Load(t.Bias + 8);
        var c00 = b0;
        var c01 = b1;
        var c10 = b0;
        var c11 = b1;
        var w = t.Weights;
        for (var tap = 0; tap < t.Taps; tap++)
        {
            var offset = (long)tap * t.TapStep;
            var x0 = t.Row(0) + offset;
            var x1 = t.Row(1) + offset;
            for (var ci = 0; ci < t.InChannels; ci++)
            {
                var s0 = Vector256.Create(x0[ci]);
                var s1 = Vector256.Create(x1[ci]);
                var w0 = Vector256.Load(w + 0);
                c00 = Vector256.FusedMultiplyAdd(w0, s0, c00);
                c10 = Vector256.FusedMultiplyAdd(w0, s1, c10);
                var w1 = Vector256.Load(w + 8);
                c01 = Vector256.FusedMultiplyAdd(w1, s0, c01);
                c11 = Vector256.FusedMultiplyAdd(w1, s1, c11);
                w += ConvTile.PanelWidth;
            }
        }
        var stride = t.OutputStride;
        {
            var o = t.Output + 0L * stride;
            Store(o + 0, t.Residual, c00);
            Store(o + 8, t.Residual, c01);
        }
        if (t.Rows > 1) {
            var o = t.Output + 1L * stride;
            Store(o + 0, t.Residual, c10);
            Store(o + 8, t.Residual, c11);
        }
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
