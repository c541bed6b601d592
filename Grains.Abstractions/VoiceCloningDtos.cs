namespace Qwen3Tts.Grains;

/// <summary>A reference clip ready to encode: mono float32 samples (<see cref="TensorBytes"/>) at <paramref name="SampleRate"/> (24 kHz).</summary>
[GenerateSerializer, Immutable]
public sealed record ReferenceClipDto(
    [property: Id(0)] byte[] Samples,
    [property: Id(1)] int SampleRate);

/// <summary>The speech tokenizer's codes of a clip: [Frames][Codebooks] row-major int32, and which tokenizer made them.</summary>
[GenerateSerializer, Immutable]
public sealed record ReferenceCodesDto(
    [property: Id(0)] byte[] Codes,
    [property: Id(1)] int Frames,
    [property: Id(2)] int Codebooks,
    [property: Id(3)] string SpeechTokenizer,
    [property: Id(4)] double FrameRate);

/// <summary>A clip's x-vector (float32), or none when the talker's models have no speaker encoder.</summary>
[GenerateSerializer, Immutable]
public sealed record SpeakerEmbeddingDto(
    [property: Id(0)] byte[]? Embedding,
    [property: Id(1)] string? Encoder);

/// <summary>A clip encoded into a voice: its codes and, when there is one, its x-vector.</summary>
[GenerateSerializer, Immutable]
public sealed record EncodedVoiceDto(
    [property: Id(0)] ReferenceCodesDto Codes,
    [property: Id(1)] SpeakerEmbeddingDto Speaker);
