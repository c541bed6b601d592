namespace Qwen3Tts.Inference.Models;

/// <summary>
/// What the loaded model can honour, so every surface (CLI, HTTP, cluster) can refuse a field the
/// model cannot use with a message naming what it does support.
/// </summary>
/// <param name="SizeTag">config.json's <c>tts_model_size</c> ("0b6", "1b7"; the seed layout is "0b6").</param>
/// <param name="Speakers">Built-in speaker names (CustomVoice), sorted; empty otherwise.</param>
/// <param name="Languages">"auto" plus the model's non-dialect languages.</param>
/// <param name="AcceptsInstructions">The official wrapper feeds an instruct block (VoiceDesign, CustomVoice except 0.6B).</param>
/// <param name="RequiresInstructions">VoiceDesign: the voice is the instruction.</param>
/// <param name="VoiceCloning">Base: voice profiles (ICL codes and/or x-vector) are accepted.</param>
public sealed record ModelCapabilities(
    ModelSetLayout Layout,
    ModelVariant Variant,
    string SizeTag,
    IReadOnlyList<string> Speakers,
    IReadOnlyList<string> Languages,
    bool AcceptsInstructions,
    bool RequiresInstructions,
    bool VoiceCloning)
{
    /// <summary>"0.6B", "1.7B", or the raw tag for anything else.</summary>
    public string Size => SizeTag switch
    {
        "0b6" => "0.6B",
        "1b7" => "1.7B",
        _ => SizeTag,
    };

    /// <summary>e.g. "1.7B CustomVoice (official snapshot)".</summary>
    public string Description => $"{Size} {Variant} ({(Layout == ModelSetLayout.Official ? "official snapshot" : "seed layout")})";

    /// <summary>The official wrapper's rule: CustomVoice drops instructions when tts_model_size is (a part of) "0b6".</summary>
    public static bool CustomVoiceTakesInstructions(string sizeTag) => !"0b6".Contains(sizeTag, StringComparison.Ordinal);

    public static ModelCapabilities For(ModelSetLayout layout, ModelVariant variant, string sizeTag, TtsModelIds ids) => new(
        layout,
        variant,
        sizeTag,
        variant == ModelVariant.CustomVoice ? ids.SpeakerNames : [],
        ids.UserLanguages,
        AcceptsInstructions: variant == ModelVariant.VoiceDesign || (variant == ModelVariant.CustomVoice && CustomVoiceTakesInstructions(sizeTag)),
        RequiresInstructions: variant == ModelVariant.VoiceDesign,
        VoiceCloning: variant == ModelVariant.Base);

    /// <summary>The seed layout: the 0.6B Base model with the published ids.</summary>
    public static ModelCapabilities Seed { get; } = For(ModelSetLayout.Seed, ModelVariant.Base, "0b6", TtsModelIds.Published);
}
