namespace Qwen3Tts.Inference.Models.Store;

/// <summary>
/// One expected file of a role as found on disk. <see cref="Path"/> is the file found, or where
/// <c>models pull</c> would put it when missing; <see cref="CandidatePaths"/> is every path tried.
/// </summary>
public sealed record ModelFileStatus(
    string Name,
    bool Required,
    bool Present,
    string Path,
    long? SizeBytes,
    IReadOnlyList<string> CandidatePaths,
    string? WhenMissing);
