using Qwen3Tts.Inference.Prompt;
using Qwen3Tts.Inference.Sampling;

namespace Qwen3Tts.Inference.Pipeline;

/// <summary>One utterance to synthesize and how.</summary>
public sealed record SynthesisRequest(
    string Text,
    string Language = TtsLanguage.Auto,
    VoiceReference? Voice = null,
    ulong? Seed = null,
    SamplingPreset Sampling = SamplingPreset.Official,
    PromptLayout Layout = PromptLayout.NonStreaming,
    PromptConvention Convention = PromptConvention.Official)
{
    /// <summary>EOS schedule and hard cap; null = defaults.</summary>
    public EosOptions? Eos { get; init; }
}
