namespace Qwen3Tts.Inference.Audio;

/// <summary>Encodings the synthesizer can write. Raw formats are headerless little-endian samples.</summary>
public enum AudioFormat
{
    /// <summary>RIFF/WAVE, 16-bit signed PCM (format tag 1).</summary>
    WavPcm16,

    /// <summary>RIFF/WAVE, 32-bit IEEE float (format tag 3).</summary>
    WavFloat32,

    /// <summary>Headerless 16-bit signed little-endian PCM.</summary>
    RawPcm16,

    /// <summary>Headerless 32-bit little-endian IEEE float.</summary>
    RawFloat32,
}

public static class AudioFormatExtensions
{
    public static bool HasWavHeader(this AudioFormat format) => format is AudioFormat.WavPcm16 or AudioFormat.WavFloat32;

    public static bool IsFloat32(this AudioFormat format) => format is AudioFormat.WavFloat32 or AudioFormat.RawFloat32;

    public static int BytesPerSample(this AudioFormat format) => format.IsFloat32() ? 4 : 2;

    /// <summary>The MIME type to serve this format as.</summary>
    public static string ContentType(this AudioFormat format) => format switch
    {
        AudioFormat.WavPcm16 or AudioFormat.WavFloat32 => "audio/wav",
        AudioFormat.RawPcm16 => "audio/L16",
        AudioFormat.RawFloat32 => "application/octet-stream",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown audio format"),
    };
}
