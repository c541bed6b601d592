namespace Qwen3Tts.Inference.Models.Store;

/// <summary>
/// Progress of one file. <see cref="BytesDone"/> includes bytes resumed from an earlier attempt;
/// <see cref="BytesPerSecond"/> is the rate of the current transfer only.
/// </summary>
public readonly record struct DownloadProgress(string File, long BytesDone, long? BytesTotal, double BytesPerSecond);
