using System.Collections.Frozen;

namespace Qwen3Tts.Inference.Models;

/// <summary>
/// Every id the model logic uses, as the loaded model defines them: the text-side special tokens
/// (rows of the text embedding), the codec control ids (rows of the talker codec embedding and codec
/// head), the language ids, and the CustomVoice speakers with their dialects. An official snapshot's
/// <c>config.json</c> supplies them; the seed layout, which has no config, uses <see cref="Published"/>
/// (the values every released checkpoint has). Structural constants (16 codebooks of 2048 codes) stay
/// in <see cref="CodecTokenIds"/>.
/// </summary>
public sealed record TtsModelIds
{
    // Declared before every instance default that reads it: static initializers run in textual order.
    private static readonly FrozenDictionary<string, int> PublishedLanguages = new Dictionary<string, int>
    {
        ["chinese"] = 2055,
        ["english"] = 2050,
        ["german"] = 2053,
        ["spanish"] = 2054,
        ["japanese"] = 2058,
        ["french"] = 2061,
        ["korean"] = 2064,
        ["russian"] = 2069,
        ["italian"] = 2070,
        ["portuguese"] = 2071,
        ["beijing_dialect"] = 2074,
        ["sichuan_dialect"] = 2062,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public int ImStart { get; init; } = TextTokenIds.ImStart;
    public int ImEnd { get; init; } = TextTokenIds.ImEnd;
    public int Assistant { get; init; } = TextTokenIds.Assistant;
    public int Newline { get; init; } = TextTokenIds.Newline;
    public int TtsPad { get; init; } = TextTokenIds.TtsPad;
    public int TtsBos { get; init; } = TextTokenIds.TtsBos;
    public int TtsEos { get; init; } = TextTokenIds.TtsEos;

    /// <summary>Rows of the text embedding table.</summary>
    public int TextVocabSize { get; init; } = TextTokenIds.TextVocabSize;

    public int CodecPad { get; init; } = CodecTokenIds.Pad;
    public int CodecBos { get; init; } = CodecTokenIds.Bos;
    public int CodecEos { get; init; } = CodecTokenIds.Eos;
    public int CodecThink { get; init; } = CodecTokenIds.Think;
    public int CodecNoThink { get; init; } = CodecTokenIds.NoThink;
    public int CodecThinkBos { get; init; } = CodecTokenIds.ThinkBos;
    public int CodecThinkEos { get; init; } = CodecTokenIds.ThinkEos;

    /// <summary>Rows of the talker codec embedding and codec head (official: 3072).</summary>
    public int TalkerVocabSize { get; init; } = CodecTokenIds.TalkerVocabSize;

    /// <summary><c>talker_config.codec_language_id</c>: lower-case name to codec id, dialects included.</summary>
    public IReadOnlyDictionary<string, int> Languages { get; init; } = PublishedLanguages;

    /// <summary><c>talker_config.spk_id</c>: lower-case speaker name to codec id (empty for Base and VoiceDesign).</summary>
    public IReadOnlyDictionary<string, int> Speakers { get; init; } = FrozenDictionary<string, int>.Empty;

    /// <summary><c>talker_config.spk_is_dialect</c>: the dialect a speaker switches Chinese/auto to, or null.</summary>
    public IReadOnlyDictionary<string, string?> SpeakerDialects { get; init; } = FrozenDictionary<string, string?>.Empty;

    /// <summary>The ids of the released checkpoints (the seed layout's config).</summary>
    public static TtsModelIds Published { get; } = new();

    /// <summary>The codec ids the talker may never generate: the top 1024 rows except EOS (official suppress_tokens).</summary>
    public int FirstSuppressedCodecId => TalkerVocabSize - 1024;

    /// <summary>Languages a user may ask for: "auto" plus every non-dialect key (official get_supported_languages).</summary>
    public IReadOnlyList<string> UserLanguages =>
        ["auto", .. Languages.Keys.Where(k => !k.Contains("dialect", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];

    /// <summary>Speaker names, sorted (what /v1/voices lists for a CustomVoice model).</summary>
    public IReadOnlyList<string> SpeakerNames => [.. Speakers.Keys.Order(StringComparer.Ordinal)];

    /// <summary>The speakers of the released CustomVoice checkpoints (0.6B and 1.7B report the same table).</summary>
    public static IReadOnlyDictionary<string, int> PublishedSpeakers { get; } = new Dictionary<string, int>
    {
        ["serena"] = 3066,
        ["vivian"] = 3065,
        ["uncle_fu"] = 3010,
        ["ryan"] = 3061,
        ["aiden"] = 2861,
        ["ono_anna"] = 2873,
        ["sohee"] = 2864,
        ["eric"] = 2875,
        ["dylan"] = 2878,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Which published speakers speak a dialect when asked for Chinese or auto.</summary>
    public static IReadOnlyDictionary<string, string?> PublishedSpeakerDialects { get; } = new Dictionary<string, string?>
    {
        ["serena"] = null,
        ["vivian"] = null,
        ["uncle_fu"] = null,
        ["ryan"] = null,
        ["aiden"] = null,
        ["ono_anna"] = null,
        ["sohee"] = null,
        ["eric"] = "sichuan_dialect",
        ["dylan"] = "beijing_dialect",
    }.ToFrozenDictionary(StringComparer.Ordinal);
}
