using Qwen3Tts.Inference.Prompt;

namespace Qwen3Tts.Inference.Voices;

/// <summary>
/// A voice file's contents: the voice, the file's format, and what the file says about where the voice came from
/// (voice files written by encode-voice or the library carry it; legacy .npy/.pt files do not).
/// </summary>
public sealed record StoredVoice(VoiceReference Voice, string Format)
{
    /// <summary>Length of the reference clip the codes were encoded from, in seconds.</summary>
    public double? DurationSeconds { get; init; }

    /// <summary>The speech tokenizer the codes belong to (<c>sha256:</c> fingerprint of its weights).</summary>
    public string? SpeechTokenizer { get; init; }

    /// <summary>The speaker encoder that made the x-vector, when there is one.</summary>
    public string? SpeakerEncoder { get; init; }
}
