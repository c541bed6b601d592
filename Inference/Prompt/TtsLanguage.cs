using System.Collections.Frozen;

namespace Qwen3Tts.Inference.Prompt;

/// <summary>
/// The languages Qwen3-TTS knows and their codec ids (talker_config.codec_language_id).
/// Matching is case-insensitive and accepts English names and ISO 639-1 codes; "auto" means no id.
/// </summary>
public static class TtsLanguage
{
    public const string Auto = "auto";

    private static readonly (string Name, string Code, int Id)[] Table =
    [
        ("chinese", "zh", 2055),
        ("english", "en", 2050),
        ("german", "de", 2053),
        ("spanish", "es", 2054),
        ("japanese", "ja", 2058),
        ("french", "fr", 2061),
        ("korean", "ko", 2064),
        ("russian", "ru", 2069),
        ("italian", "it", 2070),
        ("portuguese", "pt", 2071),
    ];

    private static readonly FrozenDictionary<string, (string Name, int Id)> ByKey =
        Table.SelectMany(l => new[] { (l.Name, l), (l.Code, l) })
             .ToFrozenDictionary(p => p.Item1, p => (p.Item2.Name, p.Item2.Id), StringComparer.OrdinalIgnoreCase);

    /// <summary>Canonical names, "auto" first: what help texts and /v1/voices list.</summary>
    public static IReadOnlyList<string> Names { get; } = [Auto, .. Table.Select(l => l.Name)];

    /// <summary>Resolves a user's language to its canonical name, or throws naming the supported ones.</summary>
    public static string Normalize(string? language)
    {
        if (string.IsNullOrWhiteSpace(language) || string.Equals(language.Trim(), Auto, StringComparison.OrdinalIgnoreCase))
        {
            return Auto;
        }
        if (ByKey.TryGetValue(language.Trim(), out var entry))
        {
            return entry.Name;
        }
        throw new ArgumentException(
            $"unknown language '{language}'; supported: {string.Join(", ", Names)} (or their ISO codes: {string.Join(", ", Table.Select(l => l.Code))})",
            nameof(language));
    }

    /// <summary>The codec id for a language, or null for "auto".</summary>
    public static int? CodecId(string? language)
    {
        var name = Normalize(language);
        return name == Auto ? null : ByKey[name].Id;
    }
}
