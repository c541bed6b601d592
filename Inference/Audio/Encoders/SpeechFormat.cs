namespace Qwen3Tts.Inference.Audio.Encoders;

/// <summary>The audio formats speech is delivered in: OpenAI's <c>response_format</c> values, also the CLI's <c>--format</c>.</summary>
public enum SpeechFormat
{
    /// <summary>RIFF/WAVE, 16-bit PCM, 24 kHz mono.</summary>
    Wav,

    /// <summary>Headerless 16-bit signed little-endian PCM, 24 kHz mono.</summary>
    Pcm,

    /// <summary>FLAC, lossless 16-bit.</summary>
    Flac,

    /// <summary>Opus in an Ogg container (RFC 7845), encoded by the managed Concentus encoder.</summary>
    Opus,

    /// <summary>MPEG-1 Layer III, encoded by ffmpeg's libmp3lame.</summary>
    Mp3,

    /// <summary>AAC-LC in ADTS frames, encoded by ffmpeg's native AAC encoder.</summary>
    Aac,
}

/// <summary>Names, MIME types and file extensions of <see cref="SpeechFormat"/>.</summary>
public static class SpeechFormats
{
    public static IReadOnlyList<SpeechFormat> All { get; } = Enum.GetValues<SpeechFormat>();

    /// <summary>"wav, pcm, flac, opus, mp3, aac", for messages.</summary>
    public static string NameList { get; } = string.Join(", ", All.Select(Name));

    /// <summary>The lower-case name clients send (<c>"mp3"</c>).</summary>
    public static string Name(this SpeechFormat format) => format switch
    {
        SpeechFormat.Wav => "wav",
        SpeechFormat.Pcm => "pcm",
        SpeechFormat.Flac => "flac",
        SpeechFormat.Opus => "opus",
        SpeechFormat.Mp3 => "mp3",
        SpeechFormat.Aac => "aac",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown speech format"),
    };

    /// <summary>The Content-Type OpenAI's speech endpoint answers each format with.</summary>
    public static string ContentType(this SpeechFormat format) => format switch
    {
        SpeechFormat.Wav => "audio/wav",
        SpeechFormat.Pcm => "audio/pcm",
        SpeechFormat.Flac => "audio/flac",
        SpeechFormat.Opus => "audio/opus",
        SpeechFormat.Mp3 => "audio/mpeg",
        SpeechFormat.Aac => "audio/aac",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown speech format"),
    };

    /// <summary>The file extension, with its dot.</summary>
    public static string Extension(this SpeechFormat format) => "." + format.Name();

    /// <summary>
    /// Exactly one of the names, in any letter case. Deliberately not <see cref="Enum.TryParse{TEnum}(string, bool, out TEnum)"/>,
    /// which also takes numbers and comma-joined flag lists ("Wav, Pcm").
    /// </summary>
    public static bool TryParse(string? name, out SpeechFormat format)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(name, candidate.Name(), StringComparison.OrdinalIgnoreCase))
            {
                format = candidate;
                return true;
            }
        }
        format = default;
        return false;
    }

    /// <summary>The format a file name's extension asks for (.ogg is Ogg Opus too), or null for an extension that names none.</summary>
    public static SpeechFormat? FromPath(string path)
    {
        var extension = Path.GetExtension(path);
        if (string.Equals(extension, ".ogg", StringComparison.OrdinalIgnoreCase))
        {
            return SpeechFormat.Opus;
        }
        return extension.Length > 1 && TryParse(extension[1..], out var format) ? format : null;
    }

    /// <summary>Formats whose encoder runs in this process (no external program).</summary>
    public static bool IsBuiltIn(this SpeechFormat format) => format is not (SpeechFormat.Mp3 or SpeechFormat.Aac);
}
