using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Qwen3Tts.Inference.Kernels.Attention;

/// <summary>
/// The attention loops on AVX-512: a score's 16 lanes are one register, four positions at a time (four independent
/// chains hide the fused multiply-add latency); the value mix keeps 128 output columns (a Qwen3 head) in eight registers across all positions, and narrower
/// heads' columns 16 at a time.
/// </summary>
internal static unsafe class AttentionKernelsAvx512
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Scores(float* query, float* keys, int keyStride, int span, int headDim, float scale, float* scores)
    {
        var full = headDim / AttentionKernels.Lanes * AttentionKernels.Lanes;
        var t = 0;
        for (; t + 4 <= span; t += 4)
        {
            var k0 = keys + (long)t * keyStride;
            var k1 = k0 + keyStride;
            var k2 = k1 + keyStride;
            var k3 = k2 + keyStride;
            Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
            for (var d = 0; d < full; d += 16)
            {
                var q = Vector512.Load(query + d);
                a0 = Vector512.FusedMultiplyAdd(q, Vector512.Load(k0 + d), a0);
                a1 = Vector512.FusedMultiplyAdd(q, Vector512.Load(k1 + d), a1);
                a2 = Vector512.FusedMultiplyAdd(q, Vector512.Load(k2 + d), a2);
                a3 = Vector512.FusedMultiplyAdd(q, Vector512.Load(k3 + d), a3);
            }
            scores[t] = AttentionKernels.Tail(Reduce(a0), query, k0, full, headDim) * scale;
            scores[t + 1] = AttentionKernels.Tail(Reduce(a1), query, k1, full, headDim) * scale;
            scores[t + 2] = AttentionKernels.Tail(Reduce(a2), query, k2, full, headDim) * scale;
            scores[t + 3] = AttentionKernels.Tail(Reduce(a3), query, k3, full, headDim) * scale;
        }
        for (; t < span; t++)
        {
            var key = keys + (long)t * keyStride;
            var a = Vector512<float>.Zero;
            for (var d = 0; d < full; d += 16)
            {
                a = Vector512.FusedMultiplyAdd(Vector512.Load(query + d), Vector512.Load(key + d), a);
            }
            scores[t] = AttentionKernels.Tail(Reduce(a), query, key, full, headDim) * scale;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Mix(float* weights, float* values, int valueStride, int span, int headDim, float* output)
    {
        var d = 0;
        for (; d + 128 <= headDim; d += 128)
        {
            // A whole 128-wide head in eight registers: eight independent chains per position, each value row read once.
            Vector512<float> o0 = default, o1 = default, o2 = default, o3 = default, o4 = default, o5 = default, o6 = default, o7 = default;
            var v = values + d;
            for (var t = 0; t < span; t++, v += valueStride)
            {
                var w = Vector512.Create(weights[t]);
                o0 = Vector512.FusedMultiplyAdd(w, Vector512.Load(v), o0);
                o1 = Vector512.FusedMultiplyAdd(w, Vector512.Load(v + 16), o1);
                o2 = Vector512.FusedMultiplyAdd(w, Vector512.Load(v + 32), o2);
                o3 = Vector512.FusedMultiplyAdd(w, Vector512.Load(v + 48), o3);
                o4 = Vector512.FusedMultiplyAdd(w, Vector512.Load(v + 64), o4);
                o5 = Vector512.FusedMultiplyAdd(w, Vector512.Load(v + 80), o5);
                o6 = Vector512.FusedMultiplyAdd(w, Vector512.Load(v + 96), o6);
                o7 = Vector512.FusedMultiplyAdd(w, Vector512.Load(v + 112), o7);
            }
            o0.Store(output + d);
            o1.Store(output + d + 16);
            o2.Store(output + d + 32);
            o3.Store(output + d + 48);
            o4.Store(output + d + 64);
            o5.Store(output + d + 80);
            o6.Store(output + d + 96);
            o7.Store(output + d + 112);
        }
        for (; d + 16 <= headDim; d += 16)
        {
            var o = Vector512<float>.Zero;
            var v = values + d;
            for (var t = 0; t < span; t++, v += valueStride)
            {
                o = Vector512.FusedMultiplyAdd(Vector512.Create(weights[t]), Vector512.Load(v), o);
            }
            o.Store(output + d);
        }
        AttentionKernels.MixTail(weights, values, valueStride, span, d, headDim, output);
    }

    /// <summary>Lanes l + l+8, then + l+4, then + l+2, then 0 + 1 (the order every path uses).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Reduce(Vector512<float> a)
    {
        var eight = a.GetLower() + a.GetUpper();
        return AttentionKernelsNeon.Reduce4(eight.GetLower() + eight.GetUpper());
    }
}
