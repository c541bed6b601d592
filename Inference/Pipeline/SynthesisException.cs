namespace Qwen3Tts.Inference.Pipeline;

/// <summary>A synthesis that could not produce audio, with the reason in words a user can act on.</summary>
public sealed class SynthesisException(string message, Exception? inner = null) : Exception(message, inner);
