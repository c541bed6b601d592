namespace Qwen3Tts.Inference;

/// <summary>
/// Enum values read from users (HTTP fields, wire records, option values) by name only: exactly one of the enum's
/// names, in any letter case. <see cref="Enum.TryParse{TEnum}(string, bool, out TEnum)"/> also takes numbers ("1")
/// and comma-separated lists it ORs together ("Wav, Pcm" is Wav|Pcm = Pcm), so a request could pick a value nobody
/// named; this does not.
/// </summary>
public static class StrictEnum
{
    public static bool TryParse<T>(string? text, out T value) where T : struct, Enum
    {
        if (text is not null)
        {
            foreach (var name in Enum.GetNames<T>())
            {
                if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase))
                {
                    value = Enum.Parse<T>(name);
                    return true;
                }
            }
        }
        value = default;
        return false;
    }

    /// <summary>The accepted names, lower-cased, for an error message ("wav, pcm, flac").</summary>
    public static string LowerNames<T>() where T : struct, Enum => string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()));
}
