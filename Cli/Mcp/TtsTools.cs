using System.ComponentModel;
using System.Globalization;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Qwen3Tts.Inference.Audio;
using Qwen3Tts.Inference.Audio.Encoders;
using Qwen3Tts.Inference.Formats;
using Qwen3Tts.Inference.Pipeline;
using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Prompt;
using Qwen3Tts.Inference.Voices;

namespace Qwen3Tts.Cli.Mcp;

/// <summary>
/// The MCP tools: <c>text_to_speech</c> and <c>list_voices</c>. Every argument is checked before any
/// synthesis; a bad one becomes an isError result naming the problem, and the server keeps serving.
/// </summary>
[McpServerToolType]
internal sealed class TtsTools(TtsToolsContext context, ILogger<TtsTools> logger)
{
    public const string TextToSpeechName = "text_to_speech";
    public const string ListVoicesName = "list_voices";
    public const string WavMimeType = "audio/wav";

    private const int MaxFrames = SpeakSettings.DefaultMaxFrames;

    /// <summary>Longest text one call takes: long texts are spoken sentence by sentence, but a call has to end some time.</summary>
    public const int MaxTextCharacters = 16_384;

    /// <summary>
    /// Largest audio returned inline (base64 in the JSON-RPC answer): about 80 s of WAV, 20 min of Opus. Larger audio
    /// is refused with a pointer to output_file, rather than flooding the client's context.
    /// </summary>
    public const int MaxInlineBytes = 4 * 1024 * 1024;

    // Parameter names are the tool's argument names on the wire, hence snake_case.
    [McpServerTool(Name = TextToSpeechName, Title = "Text to speech", Destructive = true, Idempotent = false, OpenWorld = false, ReadOnly = false)]
    [Description(
        "Speaks text aloud with the local Qwen3-TTS model (24 kHz mono). " +
        "With output_file, the audio is saved in the server's output directory in the format of the name's extension and the result gives its absolute path; " +
        "without output_file, the audio comes back inline (best for short text; at most 4 MB). Long texts are spoken sentence by sentence. " +
        "Call list_voices for the accepted voice and language names.")]
    public async Task<CallToolResult> TextToSpeechAsync(
        [Description("The text to speak, in the chosen language. Plain text; up to 16,384 characters per call.")]
        string text,
        [Description("Language of the text: 'auto' (detect), or a name such as 'english', 'chinese', 'german' or its ISO code ('en', 'zh', 'de'). See list_voices.")]
        string language = TtsLanguage.Auto,
        [Description("Voice name from list_voices; 'default' is the model's own voice; OpenAI's names (alloy, nova, ...) work too. A name, never a file path.")]
        string voice = VoiceLibrary.DefaultVoice,
        [Description("Optional file name relative to the server's output directory, e.g. 'greeting.mp3' or 'chapter1/intro.wav'; its extension " +
                     "(.wav, .mp3, .opus, .flac, .aac, .pcm) sets the format. Paths outside that directory are refused; an existing file of that name is replaced. Leave out to get the audio inline.")]
        string? output_file = null,
        [Description("Optional random seed: the same text, voice, language and seed give identical audio.")]
        ulong? seed = null,
        [Description("Playback speed from 0.25 to 4.0 (pitch kept); 1.0 by default.")]
        double speed = 1.0,
        [Description("Audio format: wav (default inline), mp3, opus, flac, aac or pcm. With output_file it must match the file's extension, or be left out.")]
        string? format = null,
        CancellationToken cancellationToken = default)
    {
        try
        {
            var (target, speechFormat) = ResolveOutput(output_file, format);
            var request = CreateRequest(text, language, voice, seed, speed);

            var audio = new List<float>();
            var frames = 0;
            await foreach (var chunk in context.Backend.StreamAsync(request, cancellationToken).ConfigureAwait(false))
            {
                audio.AddRange(chunk.Samples.Span);
                frames = chunk.FramesSoFar;
            }
            var samples = speed == 1.0 ? audio.ToArray() : TimeStretcher.Stretch(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(audio), CodecAudio.SampleRate, speed);
            var encoded = await AudioEncoders.EncodeAsync(speechFormat, samples, null, cancellationToken).ConfigureAwait(false);
            var summary = Summary(samples.Length, frames, speechFormat);

            if (target is not null)
            {
                // Written only now, in one atomic move: a failed synthesis or write never leaves a partial file.
                await AtomicFile.WriteAsync(target, stream => stream.WriteAsync(encoded, cancellationToken).AsTask(), cancellationToken).ConfigureAwait(false);
                logger.LogInformation("{Tool}: wrote {Path} ({Summary})", TextToSpeechName, target, summary);
                return new CallToolResult { Content = [new TextContentBlock { Text = $"Wrote {target}: {summary}." }] };
            }
            if (encoded.Length > MaxInlineBytes)
            {
                return ToolResults.Error(
                    $"{TextToSpeechName} failed: the audio is {encoded.Length / (1024.0 * 1024):0.0} MB, over the {MaxInlineBytes / (1024 * 1024)} MB returned inline; " +
                    $"pass output_file (a name such as 'speech.{speechFormat.Name()}') to save it in {context.Output.Root}, or a compressed format such as 'opus'");
            }

            var mime = MimeType(speechFormat);
            logger.LogInformation("{Tool}: returned audio inline ({Summary})", TextToSpeechName, summary);
            return new CallToolResult
            {
                Content =
                [
                    AudioContentBlock.FromBytes(encoded, mime),
                    new TextContentBlock { Text = $"Generated {summary}; the audio is attached as {mime}." },
                ],
            };
        }
        // Only the client's own cancellation propagates; a timeout inside synthesis (a cluster that stops answering) is a failed call.
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            if (e is ArgumentException)
            {
                logger.LogWarning("{Tool}: refused: {Message}", TextToSpeechName, ToolResults.MessageOf(e));
            }
            else
            {
                logger.LogError(e, "{Tool} failed", TextToSpeechName);
            }
            return ToolResults.Error($"{TextToSpeechName} failed: {ToolResults.MessageOf(e)}");
        }
    }

    // Every check names the argument at fault, so the model calling the tool knows what to change.
    private SynthesisRequest CreateRequest(string text, string language, string voice, ulong? seed, double speed)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ArgumentException("argument 'text' is empty; give the text to speak");
        }
        if (text.Length > MaxTextCharacters)
        {
            throw new ArgumentException($"argument 'text' has {text.Length} characters; the limit is {MaxTextCharacters} per call: split it over several calls");
        }
        if (!double.IsFinite(speed) || speed < TimeStretcher.MinSpeed || speed > TimeStretcher.MaxSpeed)
        {
            throw new ArgumentException($"argument 'speed' is {speed.ToString(CultureInfo.InvariantCulture)}; use a value from {TimeStretcher.MinSpeed} to {TimeStretcher.MaxSpeed}");
        }
        var resolvedVoice = Argument("voice", () => context.Voices.Load(voice));
        return Argument("language", () => SpeakJob.CreateRequest(text, language, resolvedVoice, seed, MaxFrames));
    }

    private (string? Target, SpeechFormat Format) ResolveOutput(string? outputFile, string? format)
    {
        SpeechFormat? requested = null;
        if (format is not null)
        {
            requested = SpeechFormats.TryParse(format, out var parsed)
                ? parsed
                : throw new ArgumentException($"argument 'format' is '{format}'; use one of: {SpeechFormats.NameList}");
        }
        var target = outputFile is null ? null : Argument("output_file", () => context.Output.Resolve(outputFile));
        var fromName = target is null ? null : SpeechFormats.FromPath(target);
        if (requested is { } r && fromName is { } n && r != n)
        {
            throw new ArgumentException($"argument 'format' is {r.Name()} but output_file '{outputFile}' names a {n.Name()} file; make them agree or leave out format");
        }
        var chosen = requested ?? fromName ?? SpeechFormat.Wav;
        if (FfmpegLocator.Default.WhyUnavailable(chosen) is { } why)
        {
            throw new ArgumentException($"argument 'format': {why}");
        }
        return (target, chosen);
    }

    private static T Argument<T>(string name, Func<T> resolve)
    {
        try
        {
            return resolve();
        }
        catch (ArgumentException e) when (!ToolResults.MessageOf(e).StartsWith("argument ", StringComparison.Ordinal))
        {
            throw new ArgumentException($"argument '{name}': {ToolResults.MessageOf(e)}", e);
        }
    }

    // MCP clients know audio/ogg for Ogg Opus; the others are the HTTP content types.
    private static string MimeType(SpeechFormat format) => format == SpeechFormat.Opus ? "audio/ogg" : format.ContentType();

    [McpServerTool(Name = ListVoicesName, Title = "List voices and languages", ReadOnly = true, Idempotent = true, Destructive = false, OpenWorld = false, UseStructuredContent = true)]
    [Description("Lists the voice names and languages text_to_speech accepts, and the directory its output_file names are relative to.")]
    public VoiceCatalog ListVoices() =>
        new(context.Voices.List(), TtsLanguage.Names, context.Output.Root);

    private static string Summary(int samples, int frames, SpeechFormat format) => string.Create(
        CultureInfo.InvariantCulture,
        $"{samples / (double)CodecAudio.SampleRate:0.00} s of speech, {frames} frames, {CodecAudio.SampleRate} Hz mono {format.Name()}");
}

/// <summary>What list_voices returns.</summary>
/// <param name="Voices">"default" (the model's own voice) first, then the voice library's names.</param>
/// <param name="Languages">"auto" first, then the languages by name.</param>
/// <param name="OutputDirectory">Where text_to_speech writes its output_file names.</param>
internal sealed record VoiceCatalog(
    [property: JsonPropertyName("voices"), Description("Voice names for text_to_speech; 'default' is the model's own voice.")] IReadOnlyList<string> Voices,
    [property: JsonPropertyName("languages"), Description("Language names for text_to_speech; 'auto' detects the language.")] IReadOnlyList<string> Languages,
    [property: JsonPropertyName("output_directory"), Description("The directory output_file names are relative to.")] string OutputDirectory);
