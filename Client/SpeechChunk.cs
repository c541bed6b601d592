namespace Qwen3Tts.Client;

/// <summary>
/// A piece of 24 kHz mono audio, in order; <see cref="FramesSoFar"/> counts the 12.5 Hz codec frames generated.
/// <see cref="Codes"/> (with <see cref="SynthesisOptions.RecordCodes"/>) holds the chosen codes of the frames since the
/// previous chunk, 16 per frame, row-major.
/// </summary>
public sealed record SpeechChunk(float[] Samples, int FramesSoFar, bool IsLast, long[]? Codes = null);
