using System.ComponentModel;
using System.Globalization;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Qwen3Tts.Inference.Codec.Encoder;
using Qwen3Tts.Inference.Voices;
using Qwen3Tts.Inference.Voices.Cloning;

namespace Qwen3Tts.Cli.Mcp;

/// <summary>What clone_voice needs: where clips are encoded (this process or the cluster), the library, where clip files may be read.</summary>
internal sealed record CloneVoiceContext(IVoiceEncoding Encoding, VoiceLibrary Voices, InputPaths Input, CloneLimits Limits);

/// <summary>
/// The MCP tool <c>clone_voice</c>: a reference clip (a .wav in the input directory, or inline base64) and the words
/// spoken in it become a named voice of the library, which <c>text_to_speech</c> then takes by name.
/// </summary>
[McpServerToolType]
internal sealed class CloneVoiceTool(CloneVoiceContext context, ILogger<CloneVoiceTool> logger)
{
    public const string Name = "clone_voice";

    [McpServerTool(Name = Name, Title = "Clone a voice", Destructive = false, Idempotent = false, OpenWorld = false, ReadOnly = false)]
    [Description(
        "Clones a voice from a few seconds of someone speaking and saves it in the voice library under a name; text_to_speech then speaks " +
        "with voice=<name>. Give the clip as audio_file (a .wav in the server's input directory) or audio_base64 (the WAV file's bytes in base64), " +
        "and the exact words spoken in it as ref_text. 3 to 20 seconds of clean speech work best.")]
    public async Task<CallToolResult> CloneVoiceAsync(
        [Description("The new voice's name: letters, digits, '-', '_' and '.', e.g. 'anna'. Must not exist yet.")]
        string name,
        [Description("The exact words spoken in the clip.")]
        string ref_text,
        [Description("A .wav file name relative to the server's input directory (see list_voices), e.g. 'anna.wav'. Paths outside it are refused.")]
        string? audio_file = null,
        [Description("The WAV file itself in base64 (or a data:audio/wav;base64,... URL), instead of audio_file.")]
        string? audio_base64 = null,
        CancellationToken cancellationToken = default)
    {
        try
        {
            var text = ReferenceClips.RequireText(ref_text, context.Limits);
            var clip = (audio_file, audio_base64) switch
            {
                // Messages name the file as the client gave it, never the server's absolute path (as HTTP names its field).
                (not null, null) => ReferenceClips.FromFile(context.Input.Resolve(audio_file), context.Limits, name: audio_file),
                (null, not null) => ReferenceClips.FromBytes(ReferenceAudioBytes.Decode(audio_base64, context.Limits.MaxUploadBytes, "audio_base64"), "audio_base64", context.Limits),
                (null, null) => throw new ArgumentException("give the clip as audio_file (a .wav in the input directory) or audio_base64"),
                _ => throw new ArgumentException("give either audio_file or audio_base64, not both"),
            };
            var entry = await new VoiceCloner(context.Encoding, context.Voices).AddAsync(name, clip, text, cancellationToken).ConfigureAwait(false);
            var summary = string.Create(CultureInfo.InvariantCulture,
                $"Saved voice '{entry.Name}': {clip.Source.DurationSeconds:0.00} s clip, {entry.Frames} frames, " +
                $"{(entry.SpeakerEmbeddingSize is null ? "no x-vector" : "with x-vector")}. Use voice=\"{entry.Name}\" in text_to_speech.");
            logger.LogInformation("{Tool}: {Summary}", Name, summary);
            return new CallToolResult { Content = [new TextContentBlock { Text = summary }] };
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            if (e is ArgumentException)
            {
                logger.LogWarning("{Tool}: refused: {Message}", Name, ToolResults.MessageOf(e));
            }
            else
            {
                logger.LogError(e, "{Tool} failed", Name);
            }
            return ToolResults.Error($"{Name} failed: {ToolResults.MessageOf(e)}");
        }
    }
}
