namespace Qwen3Tts.Inference.Kernels.Linear;

/// <summary>
/// Quantizes activation rows to Q8_0 blocks before they meet block-format weights, as ggml does, so
/// each 32-element block becomes one exact integer dot product. Unlike stored weights the scale stays
/// f32: it never leaves memory, and keeping it exact removes one rounding from every product.
/// </summary>
internal static class ActivationQuantizer
{
    public const int BlockSize = 32;

    public static void Quantize(ReadOnlySpan<float> x, Span<sbyte> q, Span<float> scales, Span<int> sums)
    {
        var blocks = x.Length / BlockSize;
        for (var b = 0; b < blocks; b++)
        {
            var block = x.Slice(b * BlockSize, BlockSize);
            var amax = 0f;
            foreach (var v in block)
            {
                amax = MathF.Max(amax, MathF.Abs(v));
            }
            var d = amax / 127f;
            var inverse = d != 0f ? 1f / d : 0f;
            scales[b] = d;
            var target = q.Slice(b * BlockSize, BlockSize);
            var sum = 0;
            for (var j = 0; j < BlockSize; j++)
            {
                // |x * inverse| <= 127 up to rounding, so the result stays in [-127, 127] as the kernels require.
                var value = (sbyte)MathF.Round(block[j] * inverse, MidpointRounding.AwayFromZero);
                target[j] = value;
                sum += value;
            }
            sums[b] = sum;
        }
    }
}
