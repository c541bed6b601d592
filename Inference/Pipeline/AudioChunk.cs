namespace Qwen3Tts.Inference.Pipeline;

/// <summary>A piece of 24 kHz mono audio, in order, with the frames generated so far.</summary>
public sealed record AudioChunk(ReadOnlyMemory<float> Samples, int FramesSoFar, bool IsLast);
