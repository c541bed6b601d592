using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Qwen3Tts.Inference.Kernels.Attention;

/// <summary>The attention loops on 128-bit vectors (ARM64 Advanced SIMD): a score's 16 lanes in four registers, two positions at a time.</summary>
internal static unsafe class AttentionKernelsNeon
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
            Vector128<float> a0 = default, a1 = default, a2 = default, a3 = default;
            Vector128<float> b0 = default, b1 = default, b2 = default, b3 = default;
            for (var d = 0; d < full; d += 16)
            {
                var q0 = Vector128.Load(query + d);
                var q1 = Vector128.Load(query + d + 4);
                var q2 = Vector128.Load(query + d + 8);
                var q3 = Vector128.Load(query + d + 12);
                a0 = Vector128.FusedMultiplyAdd(q0, Vector128.Load(k0 + d), a0);
                a1 = Vector128.FusedMultiplyAdd(q1, Vector128.Load(k0 + d + 4), a1);
                a2 = Vector128.FusedMultiplyAdd(q2, Vector128.Load(k0 + d + 8), a2);
                a3 = Vector128.FusedMultiplyAdd(q3, Vector128.Load(k0 + d + 12), a3);
                b0 = Vector128.FusedMultiplyAdd(q0, Vector128.Load(k1 + d), b0);
                b1 = Vector128.FusedMultiplyAdd(q1, Vector128.Load(k1 + d + 4), b1);
                b2 = Vector128.FusedMultiplyAdd(q2, Vector128.Load(k1 + d + 8), b2);
                b3 = Vector128.FusedMultiplyAdd(q3, Vector128.Load(k1 + d + 12), b3);
            }
            scores[t] = AttentionKernels.Tail(Reduce4((a0 + a2) + (a1 + a3)), query, k0, full, headDim) * scale;
            scores[t + 1] = AttentionKernels.Tail(Reduce4((b0 + b2) + (b1 + b3)), query, k1, full, headDim) * scale;
        }
        for (; t < span; t++)
        {
            var key = keys + (long)t * keyStride;
            Vector128<float> a0 = default, a1 = default, a2 = default, a3 = default;
            for (var d = 0; d < full; d += 16)
            {
                a0 = Vector128.FusedMultiplyAdd(Vector128.Load(query + d), Vector128.Load(key + d), a0);
                a1 = Vector128.FusedMultiplyAdd(Vector128.Load(query + d + 4), Vector128.Load(key + d + 4), a1);
                a2 = Vector128.FusedMultiplyAdd(Vector128.Load(query + d + 8), Vector128.Load(key + d + 8), a2);
                a3 = Vector128.FusedMultiplyAdd(Vector128.Load(query + d + 12), Vector128.Load(key + d + 12), a3);
            }
            scores[t] = AttentionKernels.Tail(Reduce4((a0 + a2) + (a1 + a3)), query, key, full, headDim) * scale;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Mix(float* weights, float* values, int valueStride, int span, int headDim, float* output)
    {
        var d = 0;
        for (; d + 16 <= headDim; d += 16)
        {
            Vector128<float> o0 = default, o1 = default, o2 = default, o3 = default;
            var v = values + d;
            for (var t = 0; t < span; t++, v += valueStride)
            {
                var w = Vector128.Create(weights[t]);
                o0 = Vector128.FusedMultiplyAdd(w, Vector128.Load(v), o0);
                o1 = Vector128.FusedMultiplyAdd(w, Vector128.Load(v + 4), o1);
                o2 = Vector128.FusedMultiplyAdd(w, Vector128.Load(v + 8), o2);
                o3 = Vector128.FusedMultiplyAdd(w, Vector128.Load(v + 12), o3);
            }
            o0.Store(output + d);
            o1.Store(output + d + 4);
            o2.Store(output + d + 8);
            o3.Store(output + d + 12);
        }
        AttentionKernels.MixTail(weights, values, valueStride, span, d, headDim, output);
    }

    /// <summary>Four lanes [a, b, c, d] (lanes 0-3 after l + l+8 and l + l+4) to (a + c) + (b + d), the order every path uses.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Reduce4(Vector128<float> four)
    {
        var two = four + Vector128.Shuffle(four, Vector128.Create(2, 3, 0, 1));
        return two.ToScalar() + two.GetElement(1);
    }
}
