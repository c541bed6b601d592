using Qwen3Tts.Inference.Codec.Decoder;

namespace Qwen3Tts.Inference.Vocoder;

/// <summary>
/// Which vocoder runs and how it streams (the <c>vocoder</c> section of cluster.json, <c>--vocoder</c> on the CLI).
/// </summary>
public sealed record VocoderOptions
{
    /// <summary>
    /// Frames per decode call of the native decoder once a stream runs. Measured on the 0.6b-size set (2-core
    /// EPYC, AVX-512, see Inference/Codec/Decoder/README.md): a call reads every weight once, so 1-frame calls
    /// cost ~63 CPU-ms a frame and 4-frame calls ~51; 8-frame calls cost the same as 4 while each extra frame
    /// delays that audio by 80 ms.
    /// </summary>
    public const int DefaultNativeChunkFrames = 4;

    /// <summary><see cref="VocoderEngine.Native"/> (the exact decoder, default) or <see cref="VocoderEngine.Onnx"/> (the seed's vocoder.onnx).</summary>
    public VocoderEngine Engine { get; init; } = VocoderEngine.Native;

    /// <summary>
    /// Native decoder compute threads (the caller plus Threads − 1 workers that block between calls);
    /// 0 = the process thread budget's decoder share (<see cref="Threading.ThreadBudget"/>), read at load time.
    /// </summary>
    public int Threads { get; init; }

    /// <summary>
    /// Native: frames decoded before the first audio of an utterance. 1 = audio as soon as the first frame exists;
    /// later calls take <see cref="ChunkFrames"/>.
    /// </summary>
    public int FirstChunkFrames { get; init; } = 1;

    /// <summary>
    /// New frames per decode. Null = the engine's default: <see cref="DefaultNativeChunkFrames"/> for native,
    /// WindowFrames − ContextFrames for ONNX.
    /// </summary>
    public int? ChunkFrames { get; init; }

    /// <summary>Native: frames per decoder pass (longer calls are split; see <see cref="DecoderOptions.MaxFramesPerPass"/>).</summary>
    public int MaxFramesPerPass { get; init; } = 8;

    /// <summary>ONNX: ORT intra-op threads (default: the process thread budget's decoder share).</summary>
    public int IntraOpThreads { get; init; } = Threading.ThreadBudget.Current.Decoder;

    /// <summary>
    /// ONNX: frames already emitted that are decoded again in front of each new chunk, so the decoder sees
    /// real history instead of silence at a window start. Must be smaller than the model window.
    /// </summary>
    public int ContextFrames { get; init; } = 24;

    /// <summary>The native decoder's options.</summary>
    public DecoderOptions DecoderOptions => new()
    {
        Threads = Threads > 0 ? Threads : Threading.ThreadBudget.Current.Decoder,
        MaxFramesPerPass = MaxFramesPerPass,
    };

    /// <summary>The native chunk sizes, after checking them.</summary>
    public (int First, int Chunk) NativeChunkFrames()
    {
        var chunk = ChunkFrames ?? DefaultNativeChunkFrames;
        if (chunk < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ChunkFrames), ChunkFrames, "must be at least 1");
        }
        if (FirstChunkFrames < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(FirstChunkFrames), FirstChunkFrames, "must be at least 1");
        }
        return (Math.Min(FirstChunkFrames, chunk), chunk);
    }

    /// <summary>The ONNX chunk size to use with a model of <paramref name="windowFrames"/>, after checking the options fit it.</summary>
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
