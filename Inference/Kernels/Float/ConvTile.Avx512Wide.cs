using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Qwen3Tts.Inference.Kernels.Float;

/// <summary>
/// The wide AVX-512 conv tile: 4 rows × 6 zmm (three 32-lane panels, 96 channels) = 24 accumulators, six weight
/// loads and four broadcasts per input channel (against two and eight per 16 FMAs in the 8 × 2 tile). Each input
/// row is read once per three panels instead of once per panel, and a tile is 1.5 times the work of the 8 × 2 one
/// for the same fixed cost (bias, stores, row pointers). Only for convs whose three panels stay in L2 (each row
/// tile re-reads them): on the Xeon of docs/performance.md the 96-channel one-tap conv ran at 137-154 GFLOP/s
/// against 90-91 with the 8 × 2 tile, a 192-channel k7 at 149-161 against 116-140, while a 768-channel k7 (three
/// panels of 688 KB) fell to 70-79 from 100-131.
/// </summary>
internal static unsafe class ConvTileAvx512Wide
{
    public const int RowsPerTile = 4;

    public const int Panels = 3;

    /// <summary>The most weight bytes of three panels for which the wide tile is used (half a 2 MB L2, with room for the rows).</summary>
    public const long MaxWeightBytes = 768 * 1024;

    public static bool Fits(int outLanes, long panelBytes)
        => outLanes % (Panels * ConvTile.PanelWidth) == 0 && Panels * panelBytes <= MaxWeightBytes;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(in ConvTile t)
    {
        var b0 = Vector512.Load(t.Bias + 0);
        var b1 = Vector512.Load(t.Bias + 16);
        var b2 = Vector512.Load(t.Bias + 32);
        var b3 = Vector512.Load(t.Bias + 48);
        var b4 = Vector512.Load(t.Bias + 64);
        var b5 = Vector512.Load(t.Bias + 80);
        Vector512<float> c00 = b0, c01 = b1, c02 = b2, c03 = b3, c04 = b4, c05 = b5;
        Vector512<float> c10 = b0, c11 = b1, c12 = b2, c13 = b3, c14 = b4, c15 = b5;
        Vector512<float> c20 = b0, c21 = b1, c22 = b2, c23 = b3, c24 = b4, c25 = b5;
        Vector512<float> c30 = b0, c31 = b1, c32 = b2, c33 = b3, c34 = b4, c35 = b5;
        var wa = t.Weights;
        var wb = wa + t.PanelStride;
        var wc = wb + t.PanelStride;
        for (var tap = 0; tap < t.Taps; tap++)
        {
            var offset = (long)tap * t.TapStep;
            var x0 = t.Row(0) + offset;
            var x1 = t.Row(1) + offset;
            var x2 = t.Row(2) + offset;
            var x3 = t.Row(3) + offset;
            for (var ci = 0; ci < t.InChannels; ci++)
            {
                var w0 = Vector512.Load(wa + 0);
                var w1 = Vector512.Load(wa + 16);
                var w2 = Vector512.Load(wb + 0);
                var w3 = Vector512.Load(wb + 16);
                var w4 = Vector512.Load(wc + 0);
                var w5 = Vector512.Load(wc + 16);
                var s = Vector512.Create(x0[ci]);
                c00 = Vector512.FusedMultiplyAdd(w0, s, c00);
                c01 = Vector512.FusedMultiplyAdd(w1, s, c01);
                c02 = Vector512.FusedMultiplyAdd(w2, s, c02);
                c03 = Vector512.FusedMultiplyAdd(w3, s, c03);
                c04 = Vector512.FusedMultiplyAdd(w4, s, c04);
                c05 = Vector512.FusedMultiplyAdd(w5, s, c05);
                s = Vector512.Create(x1[ci]);
                c10 = Vector512.FusedMultiplyAdd(w0, s, c10);
                c11 = Vector512.FusedMultiplyAdd(w1, s, c11);
                c12 = Vector512.FusedMultiplyAdd(w2, s, c12);
                c13 = Vector512.FusedMultiplyAdd(w3, s, c13);
                c14 = Vector512.FusedMultiplyAdd(w4, s, c14);
                c15 = Vector512.FusedMultiplyAdd(w5, s, c15);
                s = Vector512.Create(x2[ci]);
                c20 = Vector512.FusedMultiplyAdd(w0, s, c20);
                c21 = Vector512.FusedMultiplyAdd(w1, s, c21);
                c22 = Vector512.FusedMultiplyAdd(w2, s, c22);
                c23 = Vector512.FusedMultiplyAdd(w3, s, c23);
                c24 = Vector512.FusedMultiplyAdd(w4, s, c24);
                c25 = Vector512.FusedMultiplyAdd(w5, s, c25);
                s = Vector512.Create(x3[ci]);
                c30 = Vector512.FusedMultiplyAdd(w0, s, c30);
                c31 = Vector512.FusedMultiplyAdd(w1, s, c31);
                c32 = Vector512.FusedMultiplyAdd(w2, s, c32);
                c33 = Vector512.FusedMultiplyAdd(w3, s, c33);
                c34 = Vector512.FusedMultiplyAdd(w4, s, c34);
                c35 = Vector512.FusedMultiplyAdd(w5, s, c35);
                wa += ConvTile.PanelWidth;
                wb += ConvTile.PanelWidth;
                wc += ConvTile.PanelWidth;
            }
        }
        var o = t.Output;
        var stride = t.OutputStride;
        var residual = t.Residual;
        Store6(o, residual, c00, c01, c02, c03, c04, c05);
        if (t.Rows > 1) Store6(o + 1L * stride, residual, c10, c11, c12, c13, c14, c15);
        if (t.Rows > 2) Store6(o + 2L * stride, residual, c20, c21, c22, c23, c24, c25);
        if (t.Rows > 3) Store6(o + 3L * stride, residual, c30, c31, c32, c33, c34, c35);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store6(float* o, bool residual, Vector512<float> a, Vector512<float> b, Vector512<float> c,
        Vector512<float> d, Vector512<float> e, Vector512<float> f)
    {
        if (residual)
        {
            a += Vector512.Load(o);
            b += Vector512.Load(o + 16);
            c += Vector512.Load(o + 32);
            d += Vector512.Load(o + 48);
            e += Vector512.Load(o + 64);
            f += Vector512.Load(o + 80);
        }
        a.Store(o);
        b.Store(o + 16);
        c.Store(o + 32);
        d.Store(o + 48);
        e.Store(o + 64);
        f.Store(o + 80);
    }
}
