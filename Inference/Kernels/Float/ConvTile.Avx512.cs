using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Qwen3Tts.Inference.Kernels.Float;

/// <summary>
/// The AVX-512 conv tile: 8 rows × 2 zmm (32 channels) = 16 accumulators, two weight loads and eight
/// broadcasts per input channel; a 1-zmm variant for 16-channel panels.
/// </summary>
internal static unsafe class ConvTileAvx512
{
    public const int RowsPerTile = 8;

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
        var b0 = Vector512.Load(t.Bias + 0);
        var b1 = Vector512.Load(t.Bias + 16);
        var c00 = b0;
        var c01 = b1;
        var c10 = b0;
        var c11 = b1;
        var c20 = b0;
        var c21 = b1;
        var c30 = b0;
        var c31 = b1;
        var c40 = b0;
        var c41 = b1;
        var c50 = b0;
        var c51 = b1;
        var c60 = b0;
        var c61 = b1;
        var c70 = b0;
        var c71 = b1;
        var w = t.Weights;
        for (var tap = 0; tap < t.Taps; tap++)
        {
            var offset = (long)tap * t.TapStep;
            var x0 = t.Row(0) + offset;
            var x1 = t.Row(1) + offset;
            var x2 = t.Row(2) + offset;
            var x3 = t.Row(3) + offset;
            var x4 = t.Row(4) + offset;
            var x5 = t.Row(5) + offset;
            var x6 = t.Row(6) + offset;
            var x7 = t.Row(7) + offset;
            for (var ci = 0; ci < t.InChannels; ci++)
            {
                var w0 = Vector512.Load(w + 0);
                var w1 = Vector512.Load(w + 16);
                var s0 = Vector512.Create(x0[ci]);
                c00 = Vector512.FusedMultiplyAdd(w0, s0, c00);
                c01 = Vector512.FusedMultiplyAdd(w1, s0, c01);
                var s1 = Vector512.Create(x1[ci]);
                c10 = Vector512.FusedMultiplyAdd(w0, s1, c10);
                c11 = Vector512.FusedMultiplyAdd(w1, s1, c11);
                var s2 = Vector512.Create(x2[ci]);
                c20 = Vector512.FusedMultiplyAdd(w0, s2, c20);
                c21 = Vector512.FusedMultiplyAdd(w1, s2, c21);
                var s3 = Vector512.Create(x3[ci]);
                c30 = Vector512.FusedMultiplyAdd(w0, s3, c30);
                c31 = Vector512.FusedMultiplyAdd(w1, s3, c31);
                var s4 = Vector512.Create(x4[ci]);
                c40 = Vector512.FusedMultiplyAdd(w0, s4, c40);
                c41 = Vector512.FusedMultiplyAdd(w1, s4, c41);
                var s5 = Vector512.Create(x5[ci]);
                c50 = Vector512.FusedMultiplyAdd(w0, s5, c50);
                c51 = Vector512.FusedMultiplyAdd(w1, s5, c51);
                var s6 = Vector512.Create(x6[ci]);
                c60 = Vector512.FusedMultiplyAdd(w0, s6, c60);
                c61 = Vector512.FusedMultiplyAdd(w1, s6, c61);
                var s7 = Vector512.Create(x7[ci]);
                c70 = Vector512.FusedMultiplyAdd(w0, s7, c70);
                c71 = Vector512.FusedMultiplyAdd(w1, s7, c71);
                w += ConvTile.PanelWidth;
            }
        }
        var o = t.Output;
        var stride = t.OutputStride;
        var residual = t.Residual;
        Store2(o + 0L * stride, residual, c00, c01);
        if (t.Rows > 1) Store2(o + 1L * stride, residual, c10, c11);
        if (t.Rows > 2) Store2(o + 2L * stride, residual, c20, c21);
        if (t.Rows > 3) Store2(o + 3L * stride, residual, c30, c31);
        if (t.Rows > 4) Store2(o + 4L * stride, residual, c40, c41);
        if (t.Rows > 5) Store2(o + 5L * stride, residual, c50, c51);
        if (t.Rows > 6) Store2(o + 6L * stride, residual, c60, c61);
        if (t.Rows > 7) Store2(o + 7L * stride, residual, c70, c71);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void One(in ConvTile t)
    {
        var b0 = Vector512.Load(t.Bias + 0);
        var c00 = b0;
        var c10 = b0;
        var c20 = b0;
        var c30 = b0;
        var c40 = b0;
        var c50 = b0;
        var c60 = b0;
        var c70 = b0;
        var w = t.Weights;
        for (var tap = 0; tap < t.Taps; tap++)
        {
            var offset = (long)tap * t.TapStep;
            var x0 = t.Row(0) + offset;
            var x1 = t.Row(1) + offset;
            var x2 = t.Row(2) + offset;
            var x3 = t.Row(3) + offset;
            var x4 = t.Row(4) + offset;
            var x5 = t.Row(5) + offset;
            var x6 = t.Row(6) + offset;
            var x7 = t.Row(7) + offset;
            for (var ci = 0; ci < t.InChannels; ci++)
            {
                var w0 = Vector512.Load(w + 0);
                var s0 = Vector512.Create(x0[ci]);
                c00 = Vector512.FusedMultiplyAdd(w0, s0, c00);
                var s1 = Vector512.Create(x1[ci]);
                c10 = Vector512.FusedMultiplyAdd(w0, s1, c10);
                var s2 = Vector512.Create(x2[ci]);
                c20 = Vector512.FusedMultiplyAdd(w0, s2, c20);
                var s3 = Vector512.Create(x3[ci]);
                c30 = Vector512.FusedMultiplyAdd(w0, s3, c30);
                var s4 = Vector512.Create(x4[ci]);
                c40 = Vector512.FusedMultiplyAdd(w0, s4, c40);
                var s5 = Vector512.Create(x5[ci]);
                c50 = Vector512.FusedMultiplyAdd(w0, s5, c50);
                var s6 = Vector512.Create(x6[ci]);
                c60 = Vector512.FusedMultiplyAdd(w0, s6, c60);
                var s7 = Vector512.Create(x7[ci]);
                c70 = Vector512.FusedMultiplyAdd(w0, s7, c70);
                w += ConvTile.PanelWidth;
            }
        }
        var o = t.Output;
        var stride = t.OutputStride;
        var residual = t.Residual;
        Store1(o + 0L * stride, residual, c00);
        if (t.Rows > 1) Store1(o + 1L * stride, residual, c10);
        if (t.Rows > 2) Store1(o + 2L * stride, residual, c20);
        if (t.Rows > 3) Store1(o + 3L * stride, residual, c30);
        if (t.Rows > 4) Store1(o + 4L * stride, residual, c40);
        if (t.Rows > 5) Store1(o + 5L * stride, residual, c50);
        if (t.Rows > 6) Store1(o + 6L * stride, residual, c60);
        if (t.Rows > 7) Store1(o + 7L * stride, residual, c70);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store2(float* o, bool residual, Vector512<float> a, Vector512<float> b)
    {
        if (residual)
        {
            a += Vector512.Load(o);
            b += Vector512.Load(o + 16);
        }
        a.Store(o);
        b.Store(o + 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store1(float* o, bool residual, Vector512<float> a)
    {
        if (residual)
        {
            a += Vector512.Load(o);
        }
        a.Store(o);
    }
}
