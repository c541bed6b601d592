using System.Buffers;
using Qwen3Tts.Inference.Kernels.Float;
using Qwen3Tts.Inference.Qwen3;

namespace Qwen3Tts.Inference.Codec.SpeakerEncoder;

/// <summary>
/// The official `extract_speaker_embedding`: 24 kHz mono audio -> log-mel frames -> ECAPA-TDNN ->
/// the x-vector the prompt's speaker row takes, as the network returns it (never rescaled). The whole
/// clip is used. Thread-safe: the weights are read-only and each call pools its own buffers.
/// </summary>
public sealed class SpeakerEmbeddingExtractor
{
    private readonly SpeakerMelSpectrogram frontEnd = SpeakerMelSpectrogram.Shared;
    private readonly RowParallelism threads;
    private readonly FloatKernelPath path;

    /// <param name="path">The float kernels' instruction set; default the best this CPU has (all paths give the same bits).</param>
    public SpeakerEmbeddingExtractor(SpeakerEncoderWeights weights, RowParallelism? threads = null, FloatKernelPath? path = null)
    {
        Network = new EcapaTdnn(weights);
        this.threads = threads ?? RowParallelism.Shared;
        this.path = path ?? FloatKernelPaths.Best;
        MinimumSamples = Math.Max(SpeakerMelSpectrogram.MinimumSamples, Network.MinimumFrames * SpeakerMelSpectrogram.HopLength);
    }

    /// <summary>Loads `speaker_encoder.*` from a Base checkpoint's model.safetensors, checked against the config.</summary>
    public static SpeakerEmbeddingExtractor Load(string modelSafetensors, SpeakerEncoderConfig config, RowParallelism? threads = null) =>
        new(SpeakerEncoderWeights.Load(modelSafetensors, config), threads);

    public EcapaTdnn Network { get; }

    /// <summary>The x-vector length (the talker's hidden size).</summary>
    public int EmbeddingSize => Network.Config.EncDim;

    public int SampleRate => SpeakerMelSpectrogram.SampleRate;

    /// <summary>The shortest clip the front end and the network's reflect padding accept (1280 samples, 53 ms, at the published config).</summary>
    public int MinimumSamples { get; }

    /// <summary>The x-vector of <paramref name="audio"/> (mono, 24 kHz, nominally within ±1).</summary>
    public float[] Extract(ReadOnlySpan<float> audio, CancellationToken cancellationToken = default)
    {
        var xvector = new float[EmbeddingSize];
        Extract(audio, xvector, cancellationToken);
        return xvector;
    }

    public void Extract(ReadOnlySpan<float> audio, Span<float> xvector, CancellationToken cancellationToken = default)
    {
        if (audio.Length < MinimumSamples)
        {
            throw new ArgumentException(
                $"the reference audio is too short for the speaker encoder: {audio.Length} samples ({audio.Length * 1000.0 / SampleRate:0.#} ms), it needs at least {MinimumSamples} ({MinimumSamples * 1000.0 / SampleRate:0.#} ms at 24 kHz)",
                nameof(audio));
        }
        for (var i = 0; i < audio.Length; i++)
        {
            if (!float.IsFinite(audio[i]))
            {
                throw new ArgumentException($"the reference audio has a non-finite sample ({audio[i]}) at index {i}", nameof(audio));
            }
        }
        cancellationToken.ThrowIfCancellationRequested();
        var frames = SpeakerMelSpectrogram.FrameCount(audio.Length);
        var mel = ArrayPool<float>.Shared.Rent(frames * SpeakerMelSpectrogram.MelBands);
        try
        {
            var melFrames = mel.AsSpan(0, frames * SpeakerMelSpectrogram.MelBands);
            frontEnd.Compute(audio, melFrames);
            cancellationToken.ThrowIfCancellationRequested();
            Network.Forward(melFrames, frames, xvector, threads, path);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(mel);
        }
    }
}
