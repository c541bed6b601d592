using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Qwen3Tts.Inference.Kernels.Float;

/// <summary>
/// The ARM64 Advanced SIMD conv tile: 3 rows × 8 q-registers (32 channels) = 24 of the 32 vector registers as
/// accumulators (FMLA); a 4-register variant for 16-channel panels.
/// </summary>
internal static unsafe class ConvTileNeon
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
        var b0 = Vector128.Load(t.Bias + 0);
        var b1 = Vector128.Load(t.Bias + 4);
        var b2 = Vector128.Load(t.Bias + 8);
        var b3 = Vector128.Load(t.Bias + 12);
        var b4 = Vector128.Load(t.Bias + 16);
        var b5 = Vector128.Load(t.Bias + 20);
        var b6 = Vector128.Load(t.Bias + 24);
        var b7 = Vector128.Load(t.Bias + 28);
        var c00 = b0;
        var c01 = b1;
        var c02 = b2;
        var c03 = b3;
        var c04 = b4;
        var c05 = b5;
        var c06 = b6;
        var c07 = b7;
        var c10 = b0;
        var c11 = b1;
        var c12 = b2;
        var c13 = b3;
        var c14 = b4;
        var c15 = b5;
        var c16 = b6;
        var c17 = b7;
        var c20 = b0;
        var c21 = b1;
        var c22 = b2;
        var c23 = b3;
        var c24 = b4;
        var c25 = b5;
        var c26 = b6;
        var c27 = b7;
        var w = t.Weights;
        for (var tap = 0; tap < t.Taps; tap++)
        {
            var offset = (long)tap * t.TapStep;
            var x0 = t.Row(0) + offset;
            var x1 = t.Row(1) + offset;
            var x2 = t.Row(2) + offset;
            for (var ci = 0; ci < t.InChannels; ci++)
            {
                var s0 = Vector128.Create(x0[ci]);
                var s1 = Vector128.Create(x1[ci]);
                var s2 = Vector128.Create(x2[ci]);
                var w0 = Vector128.Load(w + 0);
                c00 = Vector128.FusedMultiplyAdd(w0, s0, c00);
                c10 = Vector128.FusedMultiplyAdd(w0, s1, c10);
                c20 = Vector128.FusedMultiplyAdd(w0, s2, c20);
                var w1 = Vector128.Load(w + 4);
                c01 = Vector128.FusedMultiplyAdd(w1, s0, c01);
                c11 = Vector128.FusedMultiplyAdd(w1, s1, c11);
                c21 = Vector128.FusedMultiplyAdd(w1, s2, c21);
                var w2 = Vector128.Load(w + 8);
                c02 = Vector128.FusedMultiplyAdd(w2, s0, c02);
                c12 = Vector128.FusedMultiplyAdd(w2, s1, c12);
                c22 = Vector128.FusedMultiplyAdd(w2, s2, c22);
                var w3 = Vector128.Load(w + 12);
                c03 = Vector128.FusedMultiplyAdd(w3, s0, c03);
                c13 = Vector128.FusedMultiplyAdd(w3, s1, c13);
                c23 = Vector128.FusedMultiplyAdd(w3, s2, c23);
                var w4 = Vector128.Load(w + 16);
                c04 = Vector128.FusedMultiplyAdd(w4, s0, c04);
                c14 = Vector128.FusedMultiplyAdd(w4, s1, c14);
                c24 = Vector128.FusedMultiplyAdd(w4, s2, c24);
                var w5 = Vector128.Load(w + 20);
                c05 = Vector128.FusedMultiplyAdd(w5, s0, c05);
                c15 = Vector128.FusedMultiplyAdd(w5, s1, c15);
                c25 = Vector128.FusedMultiplyAdd(w5, s2, c25);
                var w6 = Vector128.Load(w + 24);
                c06 = Vector128.FusedMultiplyAdd(w6, s0, c06);
                c16 = Vector128.FusedMultiplyAdd(w6, s1, c16);
                c26 = Vector128.FusedMultiplyAdd(w6, s2, c26);
                var w7 = Vector128.Load(w + 28);
                c07 = Vector128.FusedMultiplyAdd(w7, s0, c07);
                c17 = Vector128.FusedMultiplyAdd(w7, s1, c17);
                c27 = Vector128.FusedMultiplyAdd(w7, s2, c27);
                w += ConvTile.PanelWidth;
            }
        }
        var stride = t.OutputStride;
        {
            var o = t.Output + 0L * stride;
            Store(o + 0, t.Residual, c00);
            Store(o + 4, t.Residual, c01);
            Store(o + 8, t.Residual, c02);
            Store(o + 12, t.Residual, c03);
            Store(o + 16, t.Residual, c04);
            Store(o + 20, t.Residual, c05);
            Store(o + 24, t.Residual, c06);
            Store(o + 28, t.Residual, c07);
        }
        if (t.Rows > 1) {
            var o = t.Output + 1L * stride;
            Store(o + 0, t.Residual, c10);
            Store(o + 4, t.Residual, c11);
            Store(o + 8, t.Residual, c12);
            Store(o + 12, t.Residual, c13);
            Store(o + 16, t.Residual, c14);
            Store(o + 20, t.Residual, c15);
            Store(o + 24, t.Residual, c16);
            Store(o + 28, t.Residual, c17);
        }
        if (t.Rows > 2) {
            var o = t.Output + 2L * stride;
            Store(o + 0, t.Residual, c20);
            Store(o + 4, t.Residual, c21);
            Store(o + 8, t.Residual, c22);
            Store(o + 12, t.Residual, c23);
            Store(o + 16, t.Residual, c24);
            Store(o + 20, t.Residual, c25);
            Store(o + 24, t.Residual, c26);
            Store(o + 28, t.Residual, c27);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void One(in ConvTile t)
    {
        var b0 = Vector128.Load(t.Bias + 0);
        var b1 = Vector128.Load(t.Bias + 4);
        var b2 = Vector128.Load(t.Bias + 8);
        var b3 = Vector128.Load(t.Bias + 12);
        var c00 = b0;
        var c01 = b1;
        var c02 = b2;
        var c03 = b3;
        var c10 = b0;
        var c11 = b1;
        var c12 = b2;
        var c13 = b3;
        var c20 = b0;
        var c21 = b1;
        var c22 = b2;
        var c23 = b3;
        var w = t.Weights;
        for (var tap = 0; tap < t.Taps; tap++)
        {
            var offset = (long)tap * t.TapStep;
            var x0 = t.Row(0) + offset;
            var x1 = t.Row(1) + offset;
            var x2 = t.Row(2) + offset;
            for (var ci = 0; ci < t.InChannels; ci++)
            {
                var s0 = Vector128.Create(x0[ci]);
                var s1 = Vector128.Create(x1[ci]);
                var s2 = Vector128.Create(x2[ci]);
                var w0 = Vector128.Load(w + 0);
                c00 = Vector128.FusedMultiplyAdd(w0, s0, c00);
                c10 = Vector128.FusedMultiplyAdd(w0, s1, c10);
                c20 = Vector128.FusedMultiplyAdd(w0, s2, c20);
                var w1 = Vector128.Load(w + 4);
                c01 = Vector128.FusedMultiplyAdd(w1, s0, c01);
                c11 = Vector128.FusedMultiplyAdd(w1, s1, c11);
                c21 = Vector128.FusedMultiplyAdd(w1, s2, c21);
                var w2 = Vector128.Load(w + 8);
                c02 = Vector128.FusedMultiplyAdd(w2, s0, c02);
                c12 = Vector128.FusedMultiplyAdd(w2, s1, c12);
                c22 = Vector128.FusedMultiplyAdd(w2, s2, c22);
                var w3 = Vector128.Load(w + 12);
                c03 = Vector128.FusedMultiplyAdd(w3, s0, c03);
                c13 = Vector128.FusedMultiplyAdd(w3, s1, c13);
                c23 = Vector128.FusedMultiplyAdd(w3, s2, c23);
                w += ConvTile.PanelWidth;
            }
        }
        var stride = t.OutputStride;
        {
            var o = t.Output + 0L * stride;
            Store(o + 0, t.Residual, c00);
            Store(o + 4, t.Residual, c01);
            Store(o + 8, t.Residual, c02);
            Store(o + 12, t.Residual, c03);
        }
        if (t.Rows > 1) {
            var o = t.Output + 1L * stride;
            Store(o + 0, t.Residual, c10);
            Store(o + 4, t.Residual, c11);
            Store(o + 8, t.Residual, c12);
            Store(o + 12, t.Residual, c13);
        }
        if (t.Rows > 2) {
            var o = t.Output + 2L * stride;
            Store(o + 0, t.Residual, c20);
            Store(o + 4, t.Residual, c21);
            Store(o + 8, t.Residual, c22);
            Store(o + 12, t.Residual, c23);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* o, bool residual, Vector128<float> a)
    {
        if (residual)
        {
            a += Vector128.Load(o);
        }
        a.Store(o);
    }
}
