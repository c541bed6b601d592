namespace Qwen3Tts.Inference.Qwen3;

/// <summary>
/// The ggml Q8_0 block format: 32 weights share one IEEE half scale d; each weight is an int8 q,
/// and its value is q * d. On disk a block is 34 bytes: d (little-endian half) then 32 q.
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
        for (var b = 0; b < blocks; b++)
        {
            var x = source.Slice(b * BlockSize, BlockSize);
            var block = destination.Slice(b * BytesPerBlock, BytesPerBlock);
            var d = BlockScale(x);
            var inverse = d != 0f ? 1f / d : 0f;
            BitConverter.TryWriteBytes(block, (Half)d);
            for (var j = 0; j < BlockSize; j++)
            {
                block[2 + j] = (byte)(sbyte)MathF.Round(x[j] * inverse, MidpointRounding.AwayFromZero);
            }
        }
    }

    /// <summary>Expands ggml Q8_0 bytes to f32 (value = q * d with d widened from half).</summary>
    public static void Dequantize(ReadOnlySpan<byte> source, Span<float> destination)
    {
        var blocks = source.Length / BytesPerBlock;
        if (source.Length % BytesPerBlock != 0 || destination.Length != blocks * BlockSize)
        {
            throw new ArgumentException($"Q8_0 input of {source.Length} bytes does not fill {destination.Length} values.", nameof(source));
        }
        for (var b = 0; b < blocks; b++)
        {
            var block = source.Slice(b * BytesPerBlock, BytesPerBlock);
            var d = (float)BitConverter.ToHalf(block);
            for (var j = 0; j < BlockSize; j++)
            {
                destination[b * BlockSize + j] = (sbyte)block[2 + j] * d;
            }
        }
    }

    internal static float BlockScale(ReadOnlySpan<float> block)
    {
        var amax = 0f;
        foreach (var v in block)
        {
            amax = MathF.Max(amax, MathF.Abs(v));
        }
        return amax / 127f;
    }
}
