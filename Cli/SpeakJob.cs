using Microsoft.Extensions.Logging;
using Qwen3Tts.Cli.Speech;
using Qwen3Tts.Inference.Audio;
using Qwen3Tts.Inference.Checkpoints;
using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Pipeline;
using Qwen3Tts.Inference.Prompt;
using Qwen3Tts.Inference.Sampling;
using Qwen3Tts.Inference.Talker;
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

    /// <summary>A voice: a voice file path, a library name (as HTTP takes it, OpenAI's names included), a CustomVoice speaker, or null for the model's own voice.</summary>
    public string? VoiceFile { get; init; }

    /// <summary>The voice library <see cref="VoiceFile"/> names are looked up in.</summary>
    public string VoicesDirectory { get; init; } = Mcp.McpServerSettings.DefaultVoicesDirectory;

    /// <summary>Playback speed (0.25 to 4.0, pitch kept), as OpenAI's <c>speed</c>.</summary>
    public double Speed { get; init; } = 1.0;
    /// <summary>The <c>--format</c> name, or null to go by the output's extension.</summary>
    public string? Format { get; init; }
    /// <summary>About 2.7 minutes of audio: the cap for `speak` and the MCP tool alike.</summary>
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

    /// <summary>Embedded mode's talker stack (a cluster's is set in its cluster.json, talker.engine).</summary>
    public TalkerBackend TalkerEngine { get; init; } = TalkerBackend.Managed;
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
        await using var backend = await SpeechBackends.OpenAsync(settings.ClusterConfig, settings.ModelsDirectory, logging, cancellationToken, settings.Quant, error, settings.Vocoder, oneRequestAtATime: true, talkerEngine: settings.TalkerEngine).ConfigureAwait(false);
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
        OutputFormat.Resolve(settings.Output, settings.Format).EnsureAvailable();
        if (!double.IsFinite(settings.Speed) || settings.Speed < TimeStretcher.MinSpeed || settings.Speed > TimeStretcher.MaxSpeed)
        {
            throw new ArgumentException($"--speed {settings.Speed.ToString(System.Globalization.CultureInfo.InvariantCulture)} is out of range; use a value from {TimeStretcher.MinSpeed} to {TimeStretcher.MaxSpeed}");
        }
        var (voice, speaker) = ResolveVoice(settings.VoiceFile, settings.VoicesDirectory);
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

    /// <summary>
    /// A path (it exists, or has a directory or a .json/.npy/.pt extension) is read as a voice file; a name the voice
    /// library knows ("default", its voices, OpenAI's names) is resolved as the HTTP API resolves it; any other name is
    /// a CustomVoice speaker, which the loaded model accepts or refuses.
    /// </summary>
    internal static (VoiceReference? Voice, string? Speaker) ResolveVoice(string? voice, string voicesDirectory)
    {
        if (string.IsNullOrWhiteSpace(voice))
        {
            return (null, null);
        }
        var looksLikePath = File.Exists(voice) || voice.Contains(Path.DirectorySeparatorChar) || voice.Contains(Path.AltDirectorySeparatorChar)
            || Path.GetExtension(voice).ToLowerInvariant() is ".json" or ".npy" or ".pt";
        if (looksLikePath)
        {
            return (Inference.Voices.VoiceFile.Load(voice), null);
        }
        var library = new Inference.Voices.VoiceLibrary(voicesDirectory);
        var name = voice.Trim();
        var known = string.Equals(name, Inference.Voices.VoiceLibrary.DefaultVoice, StringComparison.OrdinalIgnoreCase)
            || library.Contains(name) || library.Aliases.ContainsKey(name);
        return known ? (library.Load(name), null) : (null, name);
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
        await using var output = AudioOutput.Open(settings.Output, OutputFormat.Resolve(settings.Output, settings.Format));
        var stretcher = settings.Speed == 1.0 ? null : new TimeStretcher(CodecAudio.SampleRate, settings.Speed);
        var frames = 0;
        long samples = 0;
        await foreach (var chunk in backend.StreamAsync(request, cancellationToken).ConfigureAwait(false))
        {
            codes?.AddRange(chunk.Codes ?? []);
            var audio = stretcher is null ? chunk.Samples : stretcher.Process(chunk.Samples.Span);
            await output.WriteAsync(audio, cancellationToken).ConfigureAwait(false);
            frames = chunk.FramesSoFar;
            samples += audio.Length;
            progress.Report(frames, !chunk.Samples.IsEmpty);
        }
        if (stretcher is not null)
        {
            var tail = stretcher.Flush();
            await output.WriteAsync(tail, cancellationToken).ConfigureAwait(false);
            samples += tail.Length;
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
        await using var output = AudioOutput.Open(settings.Output, OutputFormat.Resolve(settings.Output, settings.Format));
        var samples = settings.Speed == 1.0 ? audio.ToArray() : TimeStretcher.Stretch(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(audio), CodecAudio.SampleRate, settings.Speed);
        await output.WriteAsync(samples, cancellationToken).ConfigureAwait(false);
        await output.CommitAsync(cancellationToken).ConfigureAwait(false);
        return (frames, samples.Length, output.DisplayName);
    }
}
