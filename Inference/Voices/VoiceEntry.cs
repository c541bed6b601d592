using System.Text.Json.Serialization;

namespace Qwen3Tts.Inference.Voices;

/// <summary>One voice of a library as listings show it (the HTTP API's voice object, `voices list`).</summary>
public sealed record VoiceEntry(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("format")] string Format)
{
    /// <summary>The name again, as the HTTP API's objects (OpenAI's shape) call it.</summary>
    [JsonPropertyName("id")]
    public string Id => Name;

    [JsonPropertyName("object")]
    public string Object => "voice";

    /// <summary>Reference frames (12.5 per second); 0 for an x-vector-only voice.</summary>
    [JsonPropertyName("frames")]
    public int Frames { get; init; }

    [JsonPropertyName("ref_text")]
    public string? ReferenceText { get; init; }

    /// <summary>Values in the x-vector, when the voice has one.</summary>
    [JsonPropertyName("speaker_embedding_size")]
    public int? SpeakerEmbeddingSize { get; init; }

    [JsonPropertyName("duration_seconds")]
    public double? DurationSeconds { get; init; }

    /// <summary>The speech tokenizer the codes belong to (fingerprint), when the file says.</summary>
    [JsonPropertyName("speech_tokenizer")]
    public string? SpeechTokenizer { get; init; }

    [JsonPropertyName("speaker_encoder")]
    public string? SpeakerEncoder { get; init; }

    /// <summary>Why the file cannot be used, for a voice file that is broken; null when it reads.</summary>
    [JsonPropertyName("error")]
    public string? Error { get; init; }

    public static VoiceEntry Of(string name, StoredVoice stored) => new(name, stored.Format)
    {
        Frames = stored.Voice.FrameCount,
        ReferenceText = stored.Voice.ReferenceText,
        SpeakerEmbeddingSize = stored.Voice.SpeakerEmbedding?.Length,
        DurationSeconds = stored.DurationSeconds,
        SpeechTokenizer = stored.SpeechTokenizer,
        SpeakerEncoder = stored.SpeakerEncoder,
    };
}
