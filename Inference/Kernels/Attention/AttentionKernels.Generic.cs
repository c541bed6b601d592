namespace Qwen3Tts.Inference.Kernels.Attention;

/// <summary>The attention loops in scalar C#, lane by lane as <see cref="AttentionKernels"/> defines them: the reference every SIMD path equals.</summary>
internal static unsafe class AttentionKernelsGeneric
{
    public static void Scores(float* query, float* keys, int keyStride, int span, int headDim, float scale, float* scores)
    {
        var full = headDim / AttentionKernels.Lanes * AttentionKernels.Lanes;
        var lanes = stackalloc float[AttentionKernels.Lanes];
        for (var t = 0; t < span; t++)
        {
            var key = keys + (long)t * keyStride;
            for (var l = 0; l < AttentionKernels.Lanes; l++)
            {
                lanes[l] = 0f;
            }
            for (var d = 0; d < full; d += AttentionKernels.Lanes)
            {
                for (var l = 0; l < AttentionKernels.Lanes; l++)
                {
                    lanes[l] = MathF.FusedMultiplyAdd(query[d + l], key[d + l], lanes[l]);
                }
            }
            for (var width = AttentionKernels.Lanes / 2; width >= 1; width /= 2)
            {
                for (var l = 0; l < width; l++)
                {
                    lanes[l] += lanes[l + width];
                }
            }
            scores[t] = AttentionKernels.Tail(lanes[0], query, key, full, headDim) * scale;
        }
    }

    public static void Mix(float* weights, float* values, int valueStride, int span, int headDim, float* output) =>
        AttentionKernels.MixTail(weights, values, valueStride, span, 0, headDim, output);
}
