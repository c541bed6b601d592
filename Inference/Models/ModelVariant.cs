namespace Qwen3Tts.Inference.Models;

/// <summary>How a models directory is laid out.</summary>
public enum ModelSetLayout
{
    /// <summary>The Rust seed's converted tree (<c>kautism/qwen3-tts-rk3588</c>): talker/, predictor/, vocoder/ with GGUF and npy files.</summary>
    Seed,

    /// <summary>An official Hugging Face snapshot: config.json, model.safetensors, vocab.json + merges.txt, speech_tokenizer/.</summary>
    Official,
}

/// <summary>The three released model types (<c>tts_model_type</c> in config.json).</summary>
public enum ModelVariant
{
    /// <summary>Voice cloning (ICL and x-vector), speaker encoder; no built-in speakers, no instructions.</summary>
    Base,

    /// <summary>Built-in speakers (<c>spk_id</c>), instructions on 1.7B.</summary>
    CustomVoice,

    /// <summary>The voice is described by instructions, which are required.</summary>
    VoiceDesign,
}

public static class ModelVariantNames
{
    /// <summary>The config.json spelling: base, custom_voice, voice_design.</summary>
    public static string ConfigName(this ModelVariant variant) => variant switch
    {
        ModelVariant.Base => "base",
        ModelVariant.CustomVoice => "custom_voice",
        ModelVariant.VoiceDesign => "voice_design",
        _ => throw new ArgumentOutOfRangeException(nameof(variant), variant, null),
    };

    /// <summary>The command-line spelling: base, custom-voice, voice-design.</summary>
    public static string CliName(this ModelVariant variant) => variant.ConfigName().Replace('_', '-');

    /// <summary>The Hugging Face repo name part: Base, CustomVoice, VoiceDesign.</summary>
    public static string RepoName(this ModelVariant variant) => variant.ToString();

    /// <summary>Accepts the config, CLI and repo spellings, any case.</summary>
    public static bool TryParse(string? text, out ModelVariant variant)
    {
        var key = text?.Trim().Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal).ToLowerInvariant();
        (variant, var ok) = key switch
        {
            "base" => (ModelVariant.Base, true),
            "customvoice" => (ModelVariant.CustomVoice, true),
            "voicedesign" => (ModelVariant.VoiceDesign, true),
            _ => (default, false),
        };
        return ok;
    }
}
