namespace Qwen3Tts.Gateway;

/// <summary>The <c>response_format</c> values the gateway serves.</summary>
public enum SpeechAudioFormat
{
    /// <summary>RIFF/WAVE, 16-bit PCM, 24 kHz mono.</summary>
    Wav,

    /// <summary>Headerless 16-bit signed little-endian PCM, 24 kHz mono.</summary>
    Pcm,

    /// <summary>FLAC, 16-bit 24 kHz mono, lossless; complete responses only (its header holds the totals and MD5).</summary>
    Flac,
}
