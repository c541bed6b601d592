using Qwen3Tts.Inference;
using Qwen3Tts.Inference.Pipeline;
using Qwen3Tts.Inference.Prompt;
using Qwen3Tts.Inference.Sampling;

namespace Qwen3Tts.Grains;

/// <summary>Maps the wire records to the inference types (and back) with clear errors for unknown names.</summary>
public static class DtoConversions
{
    public static SynthesisRequest ToInference(this SynthesisRequestDto dto) =>
        new(dto.Text, dto.Language, dto.Voice?.ToInference(), dto.Seed,
            Sampling: ParseEnum<SamplingPreset>(dto.Sampling, "sampling preset"),
            Layout: ParseEnum<PromptLayout>(dto.Layout, "prompt layout"),
            Convention: ParseEnum<PromptConvention>(dto.Convention, "prompt convention"))
        {
            Eos = dto.MaxFrames is { } max ? new EosOptions(MaxFrames: max) : null,
        };

    public static SynthesisRequestDto ToDto(this SynthesisRequest request) =>
        new(request.Text, request.Language, request.Seed, request.Sampling.ToString(), request.Layout.ToString(), request.Convention.ToString(), request.Eos?.MaxFrames, request.Voice?.ToDto());

    /// <summary>The voice's own constructor checks shape and code range, so a bad voice fails with a named error.</summary>
    public static VoiceReference ToInference(this VoiceDto dto) =>
        new(TensorBytes.ToInt64s(dto.Codes), dto.ReferenceText, dto.SpeakerEmbedding is { } speaker ? TensorBytes.ToFloats(speaker) : null);

    public static VoiceDto ToDto(this VoiceReference voice) =>
        new(TensorBytes.FromInt64s(voice.Codes), voice.ReferenceText, voice.SpeakerEmbedding is { } speaker ? TensorBytes.FromFloats(speaker) : null);

    public static SamplingOptions ToInference(this SamplingDto dto) =>
        new(dto.Temperature, dto.TopK, dto.TopP, dto.RepetitionPenalty, dto.RepetitionWindow, dto.MinNewTokens, dto.DoSample);

    public static SamplingDto ToDto(this SamplingOptions options) =>
        new(options.Temperature, options.TopK, options.TopP, options.RepetitionPenalty, options.RepetitionWindow, options.MinNewTokens, options.DoSample);

    private static T ParseEnum<T>(string value, string what) where T : struct, Enum =>
        StrictEnum.TryParse<T>(value, out var parsed)
            ? parsed
            : throw new ArgumentException($"unknown {what} '{value}'; expected one of {string.Join(", ", Enum.GetNames<T>())}");
}
