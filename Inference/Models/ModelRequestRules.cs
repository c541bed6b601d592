namespace Qwen3Tts.Inference.Models;

/// <summary>
/// What a request may ask of the loaded model, checked where the model's capabilities are known. Each
/// refusal names what the model does support; nothing a model cannot honour is silently ignored.
/// The official wrapper silently drops instructions on 0.6B CustomVoice; here they are refused instead.
/// </summary>
public static class ModelRequestRules
{
    /// <summary>
    /// Checks speaker, instructions and voice against <paramref name="model"/>; returns the speaker to use
    /// (a CustomVoice model's default when none is asked for, null for the other variants).
    /// </summary>
    /// <param name="voiceFrames">Reference frames of the voice profile (0 = x-vector only), or null without a voice.</param>
    /// <param name="voiceHasText">Whether the voice profile carries its reference text.</param>
    /// <param name="officialPrompt">The official prompt convention (the seed's ignores speakers and allows ICL without text).</param>
    public static string? Check(ModelCapabilities model, string? speaker, string? instructions, int? voiceFrames, bool voiceHasText, bool officialPrompt)
    {
        ArgumentNullException.ThrowIfNull(model);
        var hasInstructions = !string.IsNullOrWhiteSpace(instructions);
        if (hasInstructions && !model.AcceptsInstructions)
        {
            throw new ArgumentException(
                $"instructions are not supported by the loaded model ({model.Description}); they are taken by 1.7B CustomVoice and VoiceDesign models");
        }
        if (!hasInstructions && model.RequiresInstructions)
        {
            throw new ArgumentException(
                $"the loaded model ({model.Description}) designs the voice from instructions: give instructions describing the voice (e.g. \"a warm, low female voice, speaking slowly\")");
        }
        if (voiceFrames is not null && !model.VoiceCloning)
        {
            throw new ArgumentException(
                $"voice cloning (a voice profile) needs a Base model; the loaded model is {model.Description}" +
                (model.Speakers.Count > 0 ? $"; its built-in voices are: {string.Join(", ", model.Speakers)}" : ""));
        }
        if (voiceFrames is > 0 && !voiceHasText && officialPrompt)
        {
            throw new ArgumentException(
                "the voice profile has reference codes but no ref_text: in-context cloning needs the words spoken in the reference " +
                "(add \"ref_text\"), or give only a \"speaker_embedding\" for x-vector-only cloning");
        }

        if (speaker is not null)
        {
            if (model.Speakers.Count == 0)
            {
                throw new ArgumentException($"unknown voice '{speaker}': the loaded model ({model.Description}) has no built-in speakers");
            }
            var match = model.Speakers.FirstOrDefault(s => string.Equals(s, speaker, StringComparison.OrdinalIgnoreCase))
                ?? throw new ArgumentException($"unknown voice '{speaker}'; the loaded model ({model.Description}) has: {string.Join(", ", model.Speakers)}");
            return match;
        }
        // A CustomVoice model always speaks as one of its speakers; without a choice, the first by name.
        return model.Variant == ModelVariant.CustomVoice && voiceFrames is null ? DefaultSpeaker(model) : null;
    }

    /// <summary>The speaker a CustomVoice model uses when none is named: the first by name.</summary>
    public static string? DefaultSpeaker(ModelCapabilities model) => model.Speakers.Count > 0 ? model.Speakers[0] : null;
}
