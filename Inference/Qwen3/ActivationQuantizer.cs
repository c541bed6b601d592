namespace Qwen3Tts.Inference.Qwen3;

/// <summary>
/// Quantizes activation rows to Q8_0 blocks before they meet Q8_0 weights, as ggml does, so each
/// 32-element block becomes one exact int32 dot product. Unlike stored weights the scale stays f32:
/// it never leaves memory, and keeping it exact removes one rounding from every product.
/// </summary>
internal static class ActivationQuantizer
{
    public static void Quantize(ReadOnlySpan<float> x, Span<sbyte> q, Span<float> scales)
    {
        var blocks = x.Length / Q8Blocks.BlockSize;
        for (var b = 0; b < blocks; b++)
        {
            var block = x.Slice(b * Q8Blocks.BlockSize, Q8Blocks.BlockSize);
            var d = Q8Blocks.BlockScale(block);
            var inverse = d != 0f ? 1f / d : 0f;
            scales[b] = d;
            var target = q.Slice(b * Q8Blocks.BlockSize, Q8Blocks.BlockSize);
            for (var j = 0; j < Q8Blocks.BlockSize; j++)
            {
                // |x * inverse| <= 127 up to rounding, so the result stays in [-127, 127] as the kernels require.
                target[j] = (sbyte)MathF.Round(block[j] * inverse, MidpointRounding.AwayFromZero);
            }
        }
    }
}
