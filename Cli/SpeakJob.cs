using Microsoft.Extensions.Logging;
using Qwen3Tts.Cli.Speech;
using Qwen3Tts.Inference.Audio;
using Qwen3Tts.Inference.Checkpoints;
using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Pipeline;
using Qwen3Tts.Inference.Prompt;
using Qwen3Tts.Inference.Sampling;
using Qwen3Tts.Inference.Vocoder;

namespace Qwen3Tts.Cli;

/// <summary>What `speak` (and the root `qwen3-tts "text"` form) was asked to do.</summary>
internal sealed record SpeakSettings(string Text, string Output, string? ModelsDirectory)
{
    public string Language { get; init; } = TtsLanguage.Auto;
    public ulong? Seed { get; init; }
    public SamplingPreset Sampling { get; init; } = SamplingPreset.Official;
    public PromptLayout Layout { get; init; } = PromptLayout.NonStreaming;
    public PromptConvention Convention { get; init; } = PromptConvention.Official;

    /// <summary>A voice profile (.json/.npy) to clone, a CustomVoice speaker name, or null for the model's own voice.</summary>
    public string? VoiceFile { get; init; }
    public AudioFormat Format { get; init; } = AudioFormat.WavPcm16;
    /// <summary>About 2.7 minutes of audio: the MCP tool's cap.</summary>
    public const int DefaultMaxFrames = 2048;

    /// <summary>Hard cap on frames; null = the model's own (generation_config.json max_new_tokens).</summary>
    public int? MaxFrames { get; init; }

    /// <summary>How the utterance ends; null = official (seed with --sampling seed).</summary>
    public EosMode? Eos { get; init; }

    /// <summary>The official instruct text (1.7B CustomVoice, VoiceDesign).</summary>
    public string? Instructions { get; init; }

    /// <summary>Precision of an official snapshot's weights in embedded mode.</summary>
    public WeightPrecision Quant { get; init; } = WeightPrecisionNames.Default;

    /// <summary>Write the frames' chosen codes here as {"codes": [[16 ints], ...]}.</summary>
    public string? CodesOut { get; init; }

    /// <summary>Teacher forcing: take every frame's codes from this codes file.</summary>
    public string? TeacherCodes { get; init; }

    /// <summary>Write audio as it is produced instead of after the whole utterance.</summary>
    public bool Stream { get; init; }

    /// <summary>A cluster.json to speak through; null = embedded mode.</summary>
    public string? ClusterConfig { get; init; }

    /// <summary>Embedded mode's vocoder (a cluster's is set in its cluster.json).</summary>
    public VocoderEngine Vocoder { get; init; } = VocoderEngine.Native;
}

/// <summary>
/// Text to an audio file or stdout, in this process (embedded mode) or through a cluster: validates the
/// input before models are loaded or a connection is made, then writes either progressively (<see cref="SpeakSettings.Stream"/>) or once
/// the utterance is complete; the output file never appears half-written.
/// </summary>
internal static class SpeakJob
{
    public static async Task<int> RunAsync(SpeakSettings settings, TextWriter error, ILoggerFactory logging, CancellationToken cancellationToken)
    {
        var request = CreateRequest(settings);
        if (settings.ClusterConfig is not null)
        {
            _ = ClusterSpeechBackend.ToClientOptions(request);
        }
        await using var backend = await SpeechBackends.OpenAsync(settings.ClusterConfig, settings.ModelsDirectory, logging, cancellationToken, settings.Quant, error, settings.Vocoder).ConfigureAwait(false);
        var progress = new SynthesisProgress(error, SynthesisProgress.IsTerminal(error));
        try
        {
            var codes = settings.CodesOut is not null ? new List<long>() : null;
            var (frames, samples, output) = settings.Stream
                ? await StreamAsync(backend, request, settings, progress, codes, cancellationToken).ConfigureAwait(false)
                : await BufferAsync(backend, request, settings, progress, codes, cancellationToken).ConfigureAwait(false);
            if (codes is not null)
            {
                CodesFile.Write(settings.CodesOut!, codes);
            }
            progress.Summarize(output, frames, samples, CodecAudio.SampleRate);
            return CliExitCodes.Ok;
        }
        catch
        {
            progress.Abandon();
            throw;
        }
    }

    /// <summary>Checks everything the user typed, so bad input fails fast with exit code 2.</summary>
    public static SynthesisRequest CreateRequest(SpeakSettings settings)
    {
        RequireText(settings.Text);
        if (string.IsNullOrEmpty(settings.Output))
        {
            throw new ArgumentException("the output path is empty (use - for stdout)");
        }
        if (!Enum.IsDefined(settings.Format))
        {
            throw new ArgumentException($"unknown audio format {settings.Format}");
        }
        var (voice, speaker) = ResolveVoice(settings.VoiceFile);
        return CreateRequest(settings.Text, settings.Language, voice, settings.Seed, settings.MaxFrames) with
        {
            Sampling = settings.Sampling,
            Layout = settings.Layout,
            Convention = settings.Convention,
            EosMode = settings.Eos,
            Speaker = speaker,
            Instructions = string.IsNullOrWhiteSpace(settings.Instructions) ? null : settings.Instructions,
            TeacherCodes = settings.TeacherCodes is { } teacher ? CodesFile.Read(teacher) : null,
            RecordCodes = settings.CodesOut is not null,
        };
    }

    /// <summary>
    /// `--voice` is a voice profile when it names a file (a path, or a .json/.npy/.pt name), otherwise a
    /// CustomVoice speaker; the loaded model says whether it has that speaker.
    /// </summary>
    public static (VoiceReference? Voice, string? Speaker) ResolveVoice(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return (null, null);
        }
        var looksLikeFile = File.Exists(value) || value.Contains('/') || value.Contains(Path.DirectorySeparatorChar)
            || Path.GetExtension(value).ToLowerInvariant() is ".json" or ".npy" or ".pt";
        return looksLikeFile ? (Qwen3Tts.Inference.Voices.VoiceFile.Load(value), null) : (null, value.Trim());
    }

    /// <summary>
    /// The checks every surface that takes text from a user shares (`speak`, the MCP server): non-empty text,
    /// a positive frame cap and a known language; the voice is already resolved by the caller.
    /// </summary>
    public static SynthesisRequest CreateRequest(string text, string? language, VoiceReference? voice, ulong? seed, int? maxFrames)
    {
        RequireText(text);
        if (maxFrames <= 0)
        {
            throw new ArgumentException($"--max-frames must be > 0, got {maxFrames}");
        }
        return new SynthesisRequest(text, TtsLanguage.Normalize(language), voice, seed)
        {
            Eos = maxFrames is { } max ? new EosOptions(MaxFrames: max) : null,
        };
    }

    private static void RequireText(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ArgumentException("the text to speak is empty");
        }
    }

    private static async Task<(int Frames, long Samples, string Output)> StreamAsync(
        ISpeechBackend backend, SynthesisRequest request, SpeakSettings settings, SynthesisProgress progress, List<long>? codes, CancellationToken cancellationToken)
    {
        await using var output = AudioOutput.Open(settings.Output, settings.Format, CodecAudio.SampleRate);
        var frames = 0;
        long samples = 0;
        await foreach (var chunk in backend.StreamAsync(request, cancellationToken).ConfigureAwait(false))
        {
            codes?.AddRange(chunk.Codes ?? []);
            await output.WriteAsync(chunk.Samples, cancellationToken).ConfigureAwait(false);
            frames = chunk.FramesSoFar;
            samples += chunk.Samples.Length;
            progress.Report(frames, !chunk.Samples.IsEmpty);
        }
        await output.CommitAsync(cancellationToken).ConfigureAwait(false);
        return (frames, samples, output.DisplayName);
    }

    private static async Task<(int Frames, long Samples, string Output)> BufferAsync(
        ISpeechBackend backend, SynthesisRequest request, SpeakSettings settings, SynthesisProgress progress, List<long>? codes, CancellationToken cancellationToken)
    {
        var audio = new List<float>();
        var frames = 0;
        await foreach (var chunk in backend.StreamAsync(request, cancellationToken).ConfigureAwait(false))
        {
            codes?.AddRange(chunk.Codes ?? []);
            audio.AddRange(chunk.Samples.Span);
            frames = chunk.FramesSoFar;
            progress.Report(frames, !chunk.Samples.IsEmpty);
        }

        // Only now is the output opened, so a failed synthesis never touches it.
        await using var output = AudioOutput.Open(settings.Output, settings.Format, CodecAudio.SampleRate);
        await output.WriteAsync(audio.ToArray(), cancellationToken).ConfigureAwait(false);
        await output.CommitAsync(cancellationToken).ConfigureAwait(false);
        return (frames, audio.Count, output.DisplayName);
    }
}
