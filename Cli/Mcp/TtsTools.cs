using System.ComponentModel;
using System.Globalization;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Qwen3Tts.Inference.Audio;
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

    // Parameter names are the tool's argument names on the wire, hence snake_case.
    [McpServerTool(Name = TextToSpeechName, Title = "Text to speech", Destructive = true, Idempotent = false, OpenWorld = false, ReadOnly = false)]
    [Description(
        "Speaks text aloud with the local Qwen3-TTS model and returns 24 kHz mono 16-bit WAV audio. " +
        "With output_file, the WAV is saved in the server's output directory and the result gives its absolute path; " +
        "without output_file, the audio comes back inline as an audio/wav content block (best for short text). " +
        "Call list_voices for the accepted voice and language names.")]
    public async Task<CallToolResult> TextToSpeechAsync(
        [Description("The text to speak, in the chosen language. Plain text; up to a few paragraphs per call.")]
        string text,
        [Description("Language of the text: 'auto' (detect), or a name such as 'english', 'chinese', 'german' or its ISO code ('en', 'zh', 'de'). See list_voices.")]
        string language = TtsLanguage.Auto,
        [Description("Voice name from list_voices; 'default' is the model's own voice. A name, never a file path.")]
        string voice = VoiceLibrary.DefaultVoice,
        [Description("Optional .wav file name relative to the server's output directory, e.g. 'greeting.wav' or 'chapter1/intro.wav'. " +
                     "Paths outside that directory are refused; an existing file of that name is replaced. Leave out to get the audio inline.")]
        string? output_file = null,
        [Description("Optional random seed: the same text, voice, language and seed give identical audio.")]
        ulong? seed = null,
        CancellationToken cancellationToken = default)
    {
        try
        {
            var target = output_file is null ? null : context.Output.Resolve(output_file);
            var request = SpeakJob.CreateRequest(text, language, context.Voices.Load(voice), seed, MaxFrames);

            var audio = new List<float>();
            var frames = 0;
            await foreach (var chunk in context.Backend.StreamAsync(request, cancellationToken).ConfigureAwait(false))
            {
                audio.AddRange(chunk.Samples.Span);
                frames = chunk.FramesSoFar;
            }
            var samples = audio.ToArray();
            var summary = Summary(samples.Length, frames);

            if (target is not null)
            {
                // Written only now, in one atomic move: a failed synthesis or write never leaves a partial file.
                await AudioFile.WriteAsync(target, samples, CodecAudio.SampleRate, AudioFormat.WavPcm16, cancellationToken).ConfigureAwait(false);
                logger.LogInformation("{Tool}: wrote {Path} ({Summary})", TextToSpeechName, target, summary);
                return new CallToolResult { Content = [new TextContentBlock { Text = $"Wrote {target}: {summary}." }] };
            }

            logger.LogInformation("{Tool}: returned audio inline ({Summary})", TextToSpeechName, summary);
            return new CallToolResult
            {
                Content =
                [
                    AudioContentBlock.FromBytes(await EncodeWavAsync(samples, cancellationToken).ConfigureAwait(false), WavMimeType),
                    new TextContentBlock { Text = $"Generated {summary}; the audio is attached as {WavMimeType}." },
                ],
            };
        }
        // Only the client's own cancellation propagates; a timeout inside synthesis (a cluster that stops answering) is a failed call.
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Bad arguments are the caller's to fix and need no stack trace; anything else is logged in full.
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

    [McpServerTool(Name = ListVoicesName, Title = "List voices and languages", ReadOnly = true, Idempotent = true, Destructive = false, OpenWorld = false, UseStructuredContent = true)]
    [Description("Lists the voice names and languages text_to_speech accepts, and the directory its output_file names are relative to.")]
    public VoiceCatalog ListVoices() =>
        new(context.Voices.List(), TtsLanguage.Names, context.Output.Root);

    private static string Summary(int samples, int frames) => string.Create(
        CultureInfo.InvariantCulture,
        $"{samples / (double)CodecAudio.SampleRate:0.00} s of speech, {frames} frames, {CodecAudio.SampleRate} Hz mono 16-bit WAV");

    private static async Task<byte[]> EncodeWavAsync(float[] samples, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream(44 + samples.Length * sizeof(short));
        await using (var writer = new WavWriter(buffer, CodecAudio.SampleRate, channels: 1, AudioFormat.WavPcm16, leaveOpen: true))
        {
            await writer.WriteSamplesAsync(samples, cancellationToken).ConfigureAwait(false);
        }
        return buffer.ToArray();
    }
}

/// <summary>What list_voices returns.</summary>
/// <param name="Voices">"default" (the model's own voice) first, then the voice library's names.</param>
/// <param name="Languages">"auto" first, then the languages by name.</param>
/// <param name="OutputDirectory">Where text_to_speech writes its output_file names.</param>
internal sealed record VoiceCatalog(
    [property: JsonPropertyName("voices"), Description("Voice names for text_to_speech; 'default' is the model's own voice.")] IReadOnlyList<string> Voices,
    [property: JsonPropertyName("languages"), Description("Language names for text_to_speech; 'auto' detects the language.")] IReadOnlyList<string> Languages,
    [property: JsonPropertyName("output_directory"), Description("The directory output_file names are relative to.")] string OutputDirectory);
