namespace Qwen3Tts.Inference.Models.Store;

/// <summary>
/// One file a role needs, with the repo-relative paths (forward slashes) tried in order;
/// the first that exists wins.
/// </summary>
public sealed record ModelFileSlot(string Name, bool Required, IReadOnlyList<string> Candidates, string? WhenMissing = null);
