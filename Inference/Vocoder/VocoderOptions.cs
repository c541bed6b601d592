namespace Qwen3Tts.Inference.Vocoder;

/// <summary>Settings for the ONNX vocoder session and for windowed streaming decode.</summary>
public sealed record VocoderOptions
{
    /// <summary>ORT intra-op threads; the seed's default is min(cores, 4).</summary>
    public int IntraOpThreads { get; init; } = Threading.ThreadBudget.Current.Decoder;

    /// <summary>
    /// Frames already emitted that are decoded again in front of each new chunk, so the decoder sees
    /// real history instead of silence at a window start. Must be smaller than the model window.
    /// </summary>
    public int ContextFrames { get; init; } = 24;

    /// <summary>New frames per decoded window; null means as many as fit: WindowFrames − ContextFrames.</summary>
    public int? ChunkFrames { get; init; }

    /// <summary>The chunk size to use with a model of <paramref name="windowFrames"/>, after checking the options fit it.</summary>
    public int EffectiveChunkFrames(int windowFrames)
    {
        if (IntraOpThreads < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(IntraOpThreads), IntraOpThreads, "must be at least 1");
        }
        if (ContextFrames < 0 || ContextFrames >= windowFrames)
        {
            throw new ArgumentOutOfRangeException(nameof(ContextFrames), ContextFrames,
                $"must be in 0..{windowFrames - 1} for a vocoder window of {windowFrames} frames");
        }
        var chunk = ChunkFrames ?? windowFrames - ContextFrames;
        if (chunk < 1 || chunk > windowFrames - ContextFrames)
        {
            throw new ArgumentOutOfRangeException(nameof(ChunkFrames), ChunkFrames,
                $"must be in 1..{windowFrames - ContextFrames} (window {windowFrames} − context {ContextFrames})");
        }
        return chunk;
    }
}
