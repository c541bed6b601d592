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
    /// <summary>EOS schedule and hard cap; null = defaults (the cap then comes from the model's generation_config.json).</summary>
    public EosOptions? Eos { get; init; }

    /// <summary>How the utterance ends; null = <see cref="EosModes.Effective"/> (official, or seed with the seed's sampling).</summary>
    public EosMode? EosMode { get; init; }

    /// <summary>A CustomVoice model's built-in speaker (null = its default speaker).</summary>
    public string? Speaker { get; init; }

    /// <summary>The official instruct text (CustomVoice 1.7B: style; VoiceDesign: the voice itself).</summary>
    public string? Instructions { get; init; }

    /// <summary>
    /// Teacher forcing: these frames ([frames, 16] codes, row-major) replace the model's choices; their
    /// count sets the frame count. The audio is the teacher's; the channels report the model's own choices.
    /// </summary>
    public long[]? TeacherCodes { get; init; }

    /// <summary>Return each frame's chosen codes with the audio chunks (<c>--codes-out</c>).</summary>
    public bool RecordCodes { get; init; }

    public EosMode EffectiveEosMode => EosModes.Effective(EosMode, Sampling);
}
