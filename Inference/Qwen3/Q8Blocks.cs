using Qwen3Tts.Inference.Formats.Gguf;

namespace Qwen3Tts.Inference.Qwen3;

/// <summary>
/// The ggml Q8_0 block format: 32 weights share one IEEE half scale d; each weight is an int8 q,
/// and its value is q * d. On disk a block is 34 bytes: d (little-endian half) then 32 q.
/// Conversions go through <see cref="GgmlQuantization"/>, whose quantizers match ggml's byte for byte.
/// </summary>
public static class Q8Blocks
{
    public const int BlockSize = 32;

    public const int BytesPerBlock = 2 + BlockSize;

    /// <summary>
    /// Quantizes <paramref name="source"/> (a multiple of 32 values) into ggml Q8_0 bytes exactly as
    /// ggml's quantize_row_q8_0_ref: d = amax/127 stored as half, q = round-half-away(x / d) computed
    /// with the f32 d (not the half-rounded one), so files we write match files ggml writes.
    /// </summary>
    public static void Quantize(ReadOnlySpan<float> source, Span<byte> destination)
    {
        if (source.Length % BlockSize != 0)
        {
            throw new ArgumentException($"Q8_0 needs a multiple of {BlockSize} values, got {source.Length}.", nameof(source));
        }
        var blocks = source.Length / BlockSize;
        if (destination.Length != blocks * BytesPerBlock)
        {
            throw new ArgumentException($"Q8_0 output for {source.Length} values is {blocks * BytesPerBlock} bytes, got {destination.Length}.", nameof(destination));
        }
        GgmlQuantization.Quantize(GgmlType.Q8_0, source, destination);
    }

    /// <summary>Expands ggml Q8_0 bytes to f32 (value = q * d with d widened from half).</summary>
    public static void Dequantize(ReadOnlySpan<byte> source, Span<float> destination)
    {
        var blocks = source.Length / BytesPerBlock;
        if (source.Length % BytesPerBlock != 0 || destination.Length != blocks * BlockSize)
        {
            throw new ArgumentException($"Q8_0 input of {source.Length} bytes does not fill {destination.Length} values.", nameof(source));
        }
        GgmlQuantization.Dequantize(GgmlType.Q8_0, source, destination);
    }
}
