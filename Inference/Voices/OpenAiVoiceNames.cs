namespace Qwen3Tts.Inference.Voices;

/// <summary>
/// OpenAI's voice names, so a client written for OpenAI (most default to "alloy") speaks on its first call. Each
/// maps to a voice of this server through a table (<c>gateway.voiceAliases</c>): by default every one is the model's
/// own voice; point them at library voices (or a CustomVoice model's speakers) to tell them apart.
/// A library voice with the same name as an alias wins over the alias.
/// </summary>
public static class OpenAiVoiceNames
{
    public static IReadOnlyList<string> All { get; } =
        ["alloy", "ash", "ballad", "cedar", "coral", "echo", "fable", "marin", "nova", "onyx", "sage", "shimmer", "verse"];

    /// <summary>Every OpenAI name to <see cref="VoiceLibrary.DefaultVoice"/>, then the configured entries over them.</summary>
    public static IReadOnlyDictionary<string, string> Table(IReadOnlyDictionary<string, string>? configured)
    {
        var table = new SortedDictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in All)
        {
            table[name] = VoiceLibrary.DefaultVoice;
        }
        foreach (var (alias, voice) in configured ?? new Dictionary<string, string>())
        {
            table[alias.Trim()] = voice.Trim();
        }
        return table;
    }
}
