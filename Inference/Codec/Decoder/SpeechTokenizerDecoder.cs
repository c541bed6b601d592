using System.Collections.Concurrent;
using Qwen3Tts.Inference.Kernels.Float;
using Qwen3Tts.Inference.Qwen3;

namespace Qwen3Tts.Inference.Codec.Decoder;

/// <summary>
/// The Qwen3-TTS-Tokenizer-12Hz decoder (codes → 24 kHz audio), loaded from <c>speech_tokenizer/model.safetensors</c>.
/// Thread-safe: any number of <see cref="DecoderSession"/>s may decode at once; each call borrows a pooled
/// workspace and the decoder's worker threads.
/// </summary>
public sealed class SpeechTokenizerDecoder : IDisposable
{
    private readonly ConcurrentBag<DecoderWorkspace> _workspaces = [];
    private readonly RowParallelism _parallelism;
    private readonly bool _ownsParallelism;
    private DecoderStageClock? _stageClock;

    private SpeechTokenizerDecoder(DecoderNetwork network, DecoderOptions options, RowParallelism? parallelism, string source)
    {
        Network = network;
        Options = options;
        Source = source;
        KernelPath = options.KernelPath ?? FloatKernelPaths.Best;
        SamplesPerFrame = network.Config.SamplesPerFrame;
        _ownsParallelism = parallelism is null;
        _parallelism = parallelism ?? new RowParallelism(options.Threads, minWeightsToSplit: 1_000_000);
    }

    public SpeechTokenizerDecoderConfig Config => Network.Config;

    public DecoderOptions Options { get; }

    public FloatKernelPath KernelPath { get; }

    /// <summary>The safetensors file the weights came from.</summary>
    public string Source { get; }

    /// <summary>Samples per frame (1920), computed once: the config derives it from the stride lists each time it is asked.</summary>
    public int SamplesPerFrame { get; }

    public int CodebookCount => Config.Quantizers;

    /// <summary>Multiply-adds per decoded frame, counted from the layers.</summary>
    public long MultiplyAddsPerFrame => Network.MultiplyAddsPerFrame();

    internal DecoderNetwork Network { get; }

    /// <summary>
    /// Loads and repacks the decoder. <paramref name="parallelism"/> lets a host share one set of worker threads
    /// between engines (the process thread budget); by default the decoder owns <see cref="DecoderOptions.Threads"/>.
    /// </summary>
    public static SpeechTokenizerDecoder Load(string safetensorsPath, DecoderOptions? options = null, RowParallelism? parallelism = null)
    {
        options ??= new DecoderOptions();
        options.Validate();
        using var checkpoint = DecoderCheckpoint.Open(safetensorsPath);
        return new SpeechTokenizerDecoder(new DecoderNetwork(checkpoint), options, parallelism, checkpoint.Path);
    }

    /// <summary>A new stream, positioned at frame 0.</summary>
    public DecoderSession CreateSession() => new(this);

    /// <summary>Decodes a whole utterance (frames × 16 codes, frame-major) in one go: frames × 1920 samples.</summary>
    public float[] Decode(ReadOnlySpan<long> codes)
    {
        using var session = CreateSession();
        return session.Decode(codes);
    }

    internal DecoderWorkspace RentWorkspace()
    {
        var workspace = _workspaces.TryTake(out var pooled) ? pooled : new DecoderWorkspace(Network, Options.MaxFramesPerPass, _parallelism, KernelPath);
        workspace.Clock = _stageClock;
        return workspace;
    }

    /// <summary>
    /// For a benchmark: every pass from now on charges its stages to the returned clock. One caller at a time:
    /// passes of concurrent sessions would interleave their laps.
    /// </summary>
    internal DecoderStageClock AttachStageClock() => _stageClock ??= new DecoderStageClock(Network);

    internal void Return(DecoderWorkspace workspace) => _workspaces.Add(workspace);

    public void Dispose()
    {
        if (_ownsParallelism)
        {
            _parallelism.Dispose();
        }
        _workspaces.Clear();
    }
}
