using System.Runtime.CompilerServices;
using Qwen3Tts.Inference.Kernels.Float;

namespace Qwen3Tts.Inference.Kernels.Attention;

/// <summary>
/// The two loops of one query head's attention over its cached keys and values, per ISA
/// (<see cref="AttentionKernelsAvx512"/>, <see cref="AttentionKernelsAvx2"/>, <see cref="AttentionKernelsNeon"/>,
/// <see cref="AttentionKernelsGeneric"/>), chosen by <see cref="FloatKernelPath"/>. Every path gives the same bits:
/// <list type="bullet">
/// <item><see cref="Scores"/>: score t is a dot product over 16 lanes — lane l sums query[d]·key[d] for d ≡ l (mod 16) in
/// increasing d with one fused multiply-add each — reduced as lanes l + l+8, then + l+4, then + l+2, then lane 0 + lane 1;
/// the columns past the last multiple of 16 are then fused on in order, and the sum is multiplied by the scale.</item>
/// <item><see cref="Mix"/>: output[d] = Σ_t weight[t]·value_t[d], one fused multiply-add per position in increasing t from 0.</item>
/// </list>
/// They replaced a <c>TensorPrimitives</c> call per position and head (dot for the score, multiply-add for the value):
/// at a few hundred positions those ~16 x 2 x span x 28 calls of 128 floats cost more than their arithmetic. Measured on
/// the 0.6b set, 2 threads, a step after a 448-row prompt: 40.0-40.8 ms median before (25 at 24 rows).
/// </summary>
public static unsafe class AttentionKernels
{
    /// <summary>Lanes of a score's partial sums (one AVX-512 register, two AVX2, four NEON).</summary>
    public const int Lanes = 16;

    /// <summary>scores[t] = scale · (query · keys[t·keyStride ..]) for t &lt; span.</summary>
    public static void Scores(FloatKernelPath path, float* query, float* keys, int keyStride, int span, int headDim, float scale, float* scores)
    {
        switch (path)
        {
            case FloatKernelPath.Avx512:
                AttentionKernelsAvx512.Scores(query, keys, keyStride, span, headDim, scale, scores);
                break;
            case FloatKernelPath.Avx2:
                AttentionKernelsAvx2.Scores(query, keys, keyStride, span, headDim, scale, scores);
                break;
            case FloatKernelPath.Neon:
                AttentionKernelsNeon.Scores(query, keys, keyStride, span, headDim, scale, scores);
                break;
            default:
                AttentionKernelsGeneric.Scores(query, keys, keyStride, span, headDim, scale, scores);
                break;
        }
    }

    /// <summary>output[d] = Σ_{t &lt; span} weights[t] · values[t·valueStride + d] for d &lt; headDim (output is overwritten).</summary>
    public static void Mix(FloatKernelPath path, float* weights, float* values, int valueStride, int span, int headDim, float* output)
    {
        switch (path)
        {
            case FloatKernelPath.Avx512:
                AttentionKernelsAvx512.Mix(weights, values, valueStride, span, headDim, output);
                break;
            case FloatKernelPath.Avx2:
                AttentionKernelsAvx2.Mix(weights, values, valueStride, span, headDim, output);
                break;
            case FloatKernelPath.Neon:
                AttentionKernelsNeon.Mix(weights, values, valueStride, span, headDim, output);
                break;
            default:
                AttentionKernelsGeneric.Mix(weights, values, valueStride, span, headDim, output);
                break;
        }
    }

    /// <summary>The columns past the last full 16-lane block, fused onto <paramref name="sum"/> in order (every path).
    /// Inlined: it runs once per score, and for a 128-wide head its loop is empty.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Tail(float sum, float* query, float* key, int from, int headDim)
    {
        for (var d = from; d < headDim; d++)
        {
            sum = MathF.FusedMultiplyAdd(query[d], key[d], sum);
        }
        return sum;
    }

    /// <summary>Output columns from <paramref name="from"/> on, one at a time (every path's tail of <see cref="Mix"/>).</summary>
    internal static void MixTail(float* weights, float* values, int valueStride, int span, int from, int headDim, float* output)
    {
        for (var d = from; d < headDim; d++)
        {
            var acc = 0f;
            for (var t = 0; t < span; t++)
            {
                acc = MathF.FusedMultiplyAdd(weights[t], values[(long)t * valueStride + d], acc);
            }
            output[d] = acc;
        }
    }
}
