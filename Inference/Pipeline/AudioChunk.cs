namespace Qwen3Tts.Inference.Pipeline;

/// <summary>
/// A piece of 24 kHz mono audio, in order, with the frames generated so far. <paramref name="Codes"/> holds,
/// when the request asked for them (<see cref="SynthesisRequest.RecordCodes"/>), the codes chosen for the frames
/// since the previous chunk: 16 per frame, row-major (see <see cref="PredictedFrame.Choices"/> under teacher forcing).
/// </summary>
public sealed record AudioChunk(ReadOnlyMemory<float> Samples, int FramesSoFar, bool IsLast, long[]? Codes = null);
