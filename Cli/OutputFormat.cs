using Qwen3Tts.Inference.Audio.Encoders;

namespace Qwen3Tts.Cli;

/// <summary>
/// The format `speak` writes: <c>--format</c>, else the extension of <c>-o</c> (.wav, .pcm, .flac, .opus/.ogg, .mp3,
/// .aac), else WAV for stdout or a name without an extension. The two must agree: an mp3 file always holds mp3.
/// </summary>
internal sealed record OutputFormat(SpeechFormat Format, bool Float32 = false)
{
    public static OutputFormat Wav { get; } = new(SpeechFormat.Wav);

    /// <summary>The names <c>--format</c> accepts: the formats, and the raw sample layouts of earlier versions.</summary>
    public static string Names => $"{SpeechFormats.NameList} (also wav-f32, pcm-f32: 32-bit float samples)";

    public static OutputFormat Resolve(string output, string? formatOption)
    {
        var requested = formatOption is null ? null : Parse(formatOption);
        if (AudioOutput.IsStandardOutput(output))
        {
            return requested ?? Wav;
        }
        var fromName = SpeechFormats.FromPath(output);
        var extension = Path.GetExtension(output);
        if (requested is not null && fromName is { } named && named != requested.Format)
        {
            throw new ArgumentException(
                $"-o {output} names a {named.Name()} file but --format is {requested.Format.Name()}; change the extension to {requested.Format.Extension()} or drop --format");
        }
        if (requested is null && fromName is null && extension.Length > 0)
        {
            throw new ArgumentException($"-o {output}: '{extension}' is not an audio extension this command writes ({string.Join(", ", SpeechFormats.All.Select(f => f.Extension()))}); rename the file or give --format");
        }
        return requested ?? (fromName is { } format ? new OutputFormat(format) : Wav);
    }

    public static OutputFormat Parse(string name)
    {
        if (SpeechFormats.TryParse(name, out var format))
        {
            return new OutputFormat(format);
        }
        return name.ToLowerInvariant() switch
        {
            "wav-f32" or "wavfloat32" => new OutputFormat(SpeechFormat.Wav, Float32: true),
            "pcm-f32" or "rawfloat32" => new OutputFormat(SpeechFormat.Pcm, Float32: true),
            "wavpcm16" => Wav,
            "rawpcm16" => new OutputFormat(SpeechFormat.Pcm),
            _ => throw new ArgumentException($"--format '{name}' is not a format; use one of: {Names}"),
        };
    }

    public AudioEncoderOptions EncoderOptions(bool streaming) => new() { Streaming = streaming, Float32 = Float32 };

    /// <summary>Refuses a format whose encoder is missing (mp3 and aac without ffmpeg) before any model loads.</summary>
    public void EnsureAvailable() => FfmpegLocator.Default.EnsureAvailable(Format);
}
