using System.Text.RegularExpressions;

namespace Qwen3Tts.Grains;

/// <summary>
/// The part of an exception a client may read. Messages written by this project (its exception types, in
/// namespaces starting with <c>Qwen3Tts</c>, including ones that crossed a silo boundary) say what went wrong in the
/// user's terms; anything else (Orleans, the runtime, a native library) is described by its kind only, because its
/// message can carry silo addresses, grain ids, method signatures or file paths. Either way silo addresses, source
/// paths and the directories of absolute paths are scrubbed as a second guard (a client learns a file's name, never
/// where the server keeps it).
/// </summary>
public static partial class ErrorText
{
    public static string Describe(Exception exception)
    {
        var own = exception.GetType().Namespace?.StartsWith("Qwen3Tts", StringComparison.Ordinal) == true
            || (exception is Orleans.Serialization.UnavailableExceptionFallbackException fallback
                && fallback.ExceptionType?.StartsWith("Qwen3Tts", StringComparison.Ordinal) == true);
        return own ? Scrub(exception.Message) : "an internal error (the silo's log has the details)";
    }

    /// <summary>Removes silo addresses (<c>S10.0.0.2:11111:123456</c>, <c>10.0.0.2:11111</c>), grain ids, source paths and the directories of absolute paths.</summary>
    public static string Scrub(string message)
    {
        var text = SiloAddress().Replace(message, "a silo");
        text = GrainId().Replace(text, "a grain");
        text = SourcePath().Replace(text, "");
        text = AbsoluteDirectory().Replace(text, "");
        return text.Trim();
    }

    [GeneratedRegex(@"\bS?\d{1,3}(\.\d{1,3}){3}:\d+(:\d+)?\b|\[[0-9a-fA-F:]+\]:\d+(:\d+)?")]
    private static partial Regex SiloAddress();

    [GeneratedRegex(@"\b[a-z0-9]+(\.[a-z0-9]+)*/[0-9a-fA-F]{16,}\S*")]
    private static partial Regex GrainId();

    [GeneratedRegex(@"\s+in\s+(/|[A-Za-z]:\\)\S+:line \d+|\s+at\s+\S+\(.*?\)")]
    private static partial Regex SourcePath();

    // "/srv/voices/" of "/srv/voices/a.json", "C:\models\" of "C:\models\a.npy"; not the path of a URL (it follows a host name).
    [GeneratedRegex(@"(?<![\w.:/~\\-])/(?:[^\s'""/,;()\[\]]+/)+|\b[A-Za-z]:\\(?:[^\s'""\\,;()]+\\)+")]
    private static partial Regex AbsoluteDirectory();
}
