namespace Qwen3Tts.Inference.Models.Store;

/// <summary>A model file could not be downloaded, or arrived wrong; the message says which file and what to do.</summary>
public sealed class ModelDownloadException : Exception
{
    public ModelDownloadException(string message, string repoPath, Exception? inner = null)
        : base(message, inner)
    {
        RepoPath = repoPath;
    }

    /// <summary>The file's path inside the repository, e.g. <c>talker/talker-q8_0.gguf</c>.</summary>
    public string RepoPath { get; }

    /// <summary>The repository has no such file (HTTP 404), as opposed to a failed transfer.</summary>
    public bool IsNotFound { get; init; }
}
