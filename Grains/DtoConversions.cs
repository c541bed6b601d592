using Qwen3Tts.Inference;
using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Pipeline;
using Qwen3Tts.Inference.Prompt;
using Qwen3Tts.Inference.Sampling;
using Qwen3Tts.Inference.Codec.Encoder;
using Qwen3Tts.Inference.Voices.Cloning;

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
            EosMode = dto.Eos is { } eos ? ParseEnum<EosMode>(eos, "eos mode") : null,
            Speaker = dto.Speaker,
            Instructions = dto.Instructions,
            TeacherCodes = dto.TeacherCodes is { } teacher ? TensorBytes.ToInt64s(teacher) : null,
            RecordCodes = dto.RecordCodes,
        };

    public static SynthesisRequestDto ToDto(this SynthesisRequest request) =>
        new(request.Text, request.Language, request.Seed, request.Sampling.ToString(), request.Layout.ToString(), request.Convention.ToString(), request.Eos?.MaxFrames, request.Voice?.ToDto())
        {
            Eos = request.EosMode?.ToString(),
            Speaker = request.Speaker,
            Instructions = request.Instructions,
            TeacherCodes = request.TeacherCodes is { } teacher ? TensorBytes.FromInt64s(teacher) : null,
            RecordCodes = request.RecordCodes,
        };

    /// <summary>The voice's own constructor checks shape and code range, so a bad voice fails with a named error.</summary>
    public static VoiceReference ToInference(this VoiceDto dto) =>
        new(TensorBytes.ToInt64s(dto.Codes), dto.ReferenceText, dto.SpeakerEmbedding is { } speaker ? TensorBytes.ToFloats(speaker) : null);

    public static VoiceDto ToDto(this VoiceReference voice) =>
        new(TensorBytes.FromInt64s(voice.Codes), voice.ReferenceText, voice.SpeakerEmbedding is { } speaker ? TensorBytes.FromFloats(speaker) : null);

    /// <summary>A prepared clip (24 kHz mono) for the cloning grains.</summary>
    public static ReferenceClipDto ToDto(this ReferenceAudio clip) => new(TensorBytes.FromFloats(clip.Samples), clip.SampleRate);

    /// <summary>The voice the cluster encoded from <paramref name="clip"/>, put together as in-process encoding does.</summary>
    public static EncodedVoice ToEncodedVoice(this EncodedVoiceDto dto, ReferenceAudio clip, string referenceText)
    {
        var codes = dto.Codes;
        var values = TensorBytes.ToInt32s(codes.Codes);
        if (codes.Frames < 1 || codes.Codebooks < 1 || values.Length != codes.Frames * codes.Codebooks)
        {
            throw new InvalidOperationException($"the cluster returned {values.Length} codes for {codes.Frames} frames of {codes.Codebooks}");
        }
        var reference = new ReferenceCodes(values, codes.Frames, codes.Codebooks, codes.SpeechTokenizer, codes.FrameRate);
        var embedding = dto.Speaker.Embedding is { } bytes ? TensorBytes.ToFloats(bytes) : null;
        return EncodedVoices.Assemble(clip, referenceText, reference, embedding, dto.Speaker.Encoder);
    }

    public static SamplingOptions ToInference(this SamplingDto dto) =>
        new(dto.Temperature, dto.TopK, dto.TopP, dto.RepetitionPenalty, dto.RepetitionWindow, dto.MinNewTokens, dto.DoSample);

    public static SamplingDto ToDto(this SamplingOptions options) =>
        new(options.Temperature, options.TopK, options.TopP, options.RepetitionPenalty, options.RepetitionWindow, options.MinNewTokens, options.DoSample);

    public static ModelInfoDto ToDto(this ModelCapabilities model) =>
        new(model.Layout.ToString(), model.Variant.ToString(), model.SizeTag, [.. model.Speakers], [.. model.Languages],
            model.AcceptsInstructions, model.RequiresInstructions, model.VoiceCloning);

    public static ModelCapabilities ToInference(this ModelInfoDto dto) =>
        new(ParseEnum<ModelSetLayout>(dto.Layout, "model layout"), ParseEnum<ModelVariant>(dto.Variant, "model variant"), dto.SizeTag,
            dto.Speakers, dto.Languages, dto.AcceptsInstructions, dto.RequiresInstructions, dto.VoiceCloning);

    private static T ParseEnum<T>(string value, string what) where T : struct, Enum =>
        StrictEnum.TryParse<T>(value, out var parsed)
            ? parsed
            : throw new ArgumentException($"unknown {what} '{value}'; expected one of {string.Join(", ", Enum.GetNames<T>())}");
}
