using Qwen3Tts.Inference.Codec.Decoder;

namespace Qwen3Tts.Inference.Vocoder;

/// <summary>
/// Which vocoder runs and how it streams (the <c>vocoder</c> section of cluster.json, <c>--vocoder</c> on the CLI).
/// </summary>
public sealed record VocoderOptions
{
    /// <summary>
    /// The longest chunk of the native decoder: after the first chunk each decode waits for twice the frames of
    /// the one before, up to this (1, 2, 4, 8, 8, ...). A call reads every weight once, so longer calls cost less
    /// per frame: 2-core EPYC (32 MB L3), 0.6b-size set, 63 CPU-ms a frame at 1 frame per call, 51 at 4 and 8;
    /// 2-core Intel Xeon (Emerald Rapids), 60.8 at 4 and 50.6 at 8 (Inference/Codec/Decoder/README.md).
    /// </summary>
    public const int DefaultNativeChunkFrames = 8;

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
    /// New frames per decode: native, the longest chunk a stream ramps up to; ONNX, every chunk. Null = the engine's
    /// default: <see cref="DefaultNativeChunkFrames"/> for native, WindowFrames − ContextFrames for ONNX.
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
