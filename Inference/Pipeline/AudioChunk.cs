namespace Qwen3Tts.Inference.Pipeline;

/// <summary>
/// A piece of 24 kHz mono audio, in order, with the frames generated so far. <paramref name="Codes"/> holds,
/// when the request asked for them (<see cref="SynthesisRequest.RecordCodes"/>), the codes chosen for the frames
/// since the previous chunk: 16 per frame, row-major (see <see cref="PredictedFrame.Choices"/> under teacher forcing).
/// Ownership: <paramref name="Samples"/> of a streamed chunk is the pipeline's reused buffer and is valid until the
/// consumer asks for the next chunk (or leaves the stream): write it out, encode it or copy it before then. That is
/// what keeps the in-process stream free of allocations per frame; every consumer in this repository copies at once.
/// A value type, so yielding a chunk allocates nothing either.
/// </summary>
public readonly record struct AudioChunk(ReadOnlyMemory<float> Samples, int FramesSoFar, bool IsLast, long[]? Codes = null)
{
    /// <summary>This chunk with a copy of its samples, valid for as long as the caller keeps it (for consumers that collect chunks).</summary>
    public AudioChunk ToOwned() => this with { Samples = Samples.ToArray() };
}
