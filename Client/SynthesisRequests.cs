using Qwen3Tts.Grains;

namespace Qwen3Tts.Client;

/// <summary>Typed options to the wire record; empty text is refused here, before a grain is activated.</summary>
internal static class SynthesisRequests
{
    public static SynthesisRequestDto ToRequest(this SynthesisOptions options, string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ArgumentException("the text to speak is empty", nameof(text));
        }
        var voice = options.Voice is { } v
            ? new VoiceDto(TensorBytes.FromInt64s(v.Codes), v.ReferenceText, v.SpeakerEmbedding is { } speaker ? TensorBytes.FromFloats(speaker) : null)
            : null;
        return new SynthesisRequestDto(text, options.Language.ToString().ToLowerInvariant(), options.Seed, options.Sampling.ToString(), MaxFrames: options.MaxFrames, Voice: voice)
        {
            Eos = options.Eos?.ToString(),
            Speaker = options.Speaker,
            Instructions = options.Instructions,
            TeacherCodes = options.TeacherCodes is { } teacher ? TensorBytes.FromInt64s(teacher) : null,
            RecordCodes = options.RecordCodes,
        };
    }
}
