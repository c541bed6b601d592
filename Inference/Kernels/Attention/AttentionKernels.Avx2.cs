using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Qwen3Tts.Inference.Kernels.Attention;

/// <summary>The attention loops on AVX2 + FMA: a score's 16 lanes in two registers (lanes 0-7, 8-15), two positions at a time.</summary>
internal static unsafe class AttentionKernelsAvx2
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Scores(float* query, float* keys, int keyStride, int span, int headDim, float scale, float* scores)
    {
        var full = headDim / AttentionKernels.Lanes * AttentionKernels.Lanes;
        var t = 0;
        for (; t + 2 <= span; t += 2)
        {
            var k0 = keys + (long)t * keyStride;
            var k1 = k0 + keyStride;
            Vector256<float> lo0 = default, hi0 = default, lo1 = default, hi1 = default;
            for (var d = 0; d < full; d += 16)
            {
                var ql = Vector256.Load(query + d);
                var qh = Vector256.Load(query + d + 8);
                lo0 = Vector256.FusedMultiplyAdd(ql, Vector256.Load(k0 + d), lo0);
                hi0 = Vector256.FusedMultiplyAdd(qh, Vector256.Load(k0 + d + 8), hi0);
                lo1 = Vector256.FusedMultiplyAdd(ql, Vector256.Load(k1 + d), lo1);
                hi1 = Vector256.FusedMultiplyAdd(qh, Vector256.Load(k1 + d + 8), hi1);
            }
            scores[t] = AttentionKernels.Tail(Reduce(lo0, hi0), query, k0, full, headDim) * scale;
            scores[t + 1] = AttentionKernels.Tail(Reduce(lo1, hi1), query, k1, full, headDim) * scale;
        }
        for (; t < span; t++)
        {
            var key = keys + (long)t * keyStride;
            Vector256<float> lo = default, hi = default;
            for (var d = 0; d < full; d += 16)
            {
                lo = Vector256.FusedMultiplyAdd(Vector256.Load(query + d), Vector256.Load(key + d), lo);
                hi = Vector256.FusedMultiplyAdd(Vector256.Load(query + d + 8), Vector256.Load(key + d + 8), hi);
            }
            scores[t] = AttentionKernels.Tail(Reduce(lo, hi), query, key, full, headDim) * scale;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Mix(float* weights, float* values, int valueStride, int span, int headDim, float* output)
    {
        var d = 0;
        for (; d + 32 <= headDim; d += 32)
        {
            Vector256<float> o0 = default, o1 = default, o2 = default, o3 = default;
            var v = values + d;
            for (var t = 0; t < span; t++, v += valueStride)
            {
                var w = Vector256.Create(weights[t]);
                o0 = Vector256.FusedMultiplyAdd(w, Vector256.Load(v), o0);
                o1 = Vector256.FusedMultiplyAdd(w, Vector256.Load(v + 8), o1);
                o2 = Vector256.FusedMultiplyAdd(w, Vector256.Load(v + 16), o2);
                o3 = Vector256.FusedMultiplyAdd(w, Vector256.Load(v + 24), o3);
            }
            o0.Store(output + d);
            o1.Store(output + d + 8);
            o2.Store(output + d + 16);
            o3.Store(output + d + 24);
        }
        for (; d + 8 <= headDim; d += 8)
        {
            var o = Vector256<float>.Zero;
            var v = values + d;
            for (var t = 0; t < span; t++, v += valueStride)
            {
                o = Vector256.FusedMultiplyAdd(Vector256.Create(weights[t]), Vector256.Load(v), o);
            }
            o.Store(output + d);
        }
        AttentionKernels.MixTail(weights, values, valueStride, span, d, headDim, output);
    }

    /// <summary>Lanes l + l+8 (the two registers), then + l+4, then + l+2, then 0 + 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Reduce(Vector256<float> lo, Vector256<float> hi)
    {
        var eight = lo + hi;
        return AttentionKernelsNeon.Reduce4(eight.GetLower() + eight.GetUpper());
    }
}
