namespace Qwen3Tts.Client;

/// <summary>A piece of 24 kHz mono audio, in order; <see cref="FramesSoFar"/> counts the 12.5 Hz codec frames generated.</summary>
public sealed record SpeechChunk(float[] Samples, int FramesSoFar, bool IsLast);
