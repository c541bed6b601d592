namespace Qwen3Tts.Inference.Voices;

/// <summary>
/// A voice profile that cannot be used (missing, not a voice file, bad codes). It is the caller's
/// input, not a model problem, so it derives from <see cref="ArgumentException"/>.
/// </summary>
public sealed class VoiceFileException(string message, Exception? inner = null) : ArgumentException(message, inner);
