namespace Qwen3Tts.Inference.Talker;

/// <summary>A talker request that cannot be served (context exhausted, decode failure).</summary>
public sealed class TalkerException(string message, Exception? inner = null) : Exception(message, inner);
