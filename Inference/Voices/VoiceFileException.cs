namespace Qwen3Tts.Inference.Voices;

/// <summary>What is wrong with a voice or a voice name, so each surface can answer it precisely (HTTP 400 or 404, CLI exit 2).</summary>
public enum VoiceProblem
{
    /// <summary>The file is missing, unreadable, or not a voice (bad JSON, bad codes, a refused pickle, ...).</summary>
    BadFile,

    /// <summary>The name is not a library name (a path, too long, a leading dot, ...).</summary>
    InvalidName,

    /// <summary>No voice of that name is in the library.</summary>
    UnknownVoice,

    /// <summary>A voice of that name is already in the library.</summary>
    NameTaken,

    /// <summary>The library holds as many voices as it may.</summary>
    LibraryFull,

    /// <summary>No library directory is configured.</summary>
    NoLibrary,
}

/// <summary>
/// A voice profile that cannot be used (missing, not a voice file, bad codes), or a library name that cannot be
/// used. It is the caller's input, not a model problem, so it derives from <see cref="ArgumentException"/>.
/// </summary>
public sealed class VoiceFileException(string message, Exception? inner = null, VoiceProblem problem = VoiceProblem.BadFile)
    : ArgumentException(message, inner)
{
    public VoiceFileException(string message, VoiceProblem problem)
        : this(message, null, problem)
    {
    }

    public VoiceProblem Problem { get; } = problem;
}
