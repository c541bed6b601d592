namespace Qwen3Tts.Grains;

/// <summary>One utterance to synthesize, as it crosses the wire (enum names as strings so this project needs no model code).</summary>
[GenerateSerializer, Immutable]
public sealed record SynthesisRequestDto(
    [property: Id(0)] string Text,
    [property: Id(1)] string Language = "auto",
    [property: Id(2)] ulong? Seed = null,
    [property: Id(3)] string Sampling = "Official",
    [property: Id(4)] string Layout = "NonStreaming",
    [property: Id(5)] string Convention = "Official",
    [property: Id(6)] int? MaxFrames = null,
    [property: Id(7)] VoiceDto? Voice = null)
{
    /// <summary>official | seed | never; null = official (seed with the seed's sampling).</summary>
    [Id(8)] public string? Eos { get; init; }

    /// <summary>A CustomVoice model's built-in speaker; null = its default.</summary>
    [Id(9)] public string? Speaker { get; init; }

    /// <summary>The official instruct text (1.7B CustomVoice, VoiceDesign).</summary>
    [Id(10)] public string? Instructions { get; init; }

    /// <summary>Teacher-forced frames: row-major [frames, 16] int64 codes (<see cref="TensorBytes"/>).</summary>
    [Id(11)] public byte[]? TeacherCodes { get; init; }

    /// <summary>Return each frame's chosen codes with the audio chunks.</summary>
    [Id(12)] public bool RecordCodes { get; init; }
}

/// <summary>
/// A voice to clone, sent with the request so any silo can serve it: row-major [frames, 16] codec codes
/// (int64 little-endian, <see cref="TensorBytes"/>), the text spoken in them, and an optional speaker vector (float32).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record VoiceDto(
    [property: Id(0)] byte[] Codes,
    [property: Id(1)] string? ReferenceText,
    [property: Id(2)] byte[]? SpeakerEmbedding);

/// <summary>24 kHz mono float32 samples (<see cref="TensorBytes"/>), in order, with the frames generated so far.</summary>
[GenerateSerializer, Immutable]
public sealed record AudioChunkDto(
    [property: Id(0)] byte[] Samples,
    [property: Id(1)] int FramesSoFar,
    [property: Id(2)] bool IsLast,
    [property: Id(3)] long[]? Codes = null);

/// <summary>A talker step: the post-norm hidden state (float32 bytes, 4 KB at hidden 1024) and the sampled code 0.</summary>
[GenerateSerializer, Immutable]
public sealed record TalkerStepDto(
    [property: Id(0)] byte[] Hidden,
    [property: Id(1)] int Code0);

/// <summary>The talker's start: first step, sizes, and the loaded model's EOS code, default frame cap and predictor sampling.</summary>
[GenerateSerializer, Immutable]
public sealed record TalkerStartDto(
    [property: Id(0)] TalkerStepDto First,
    [property: Id(1)] int PromptRows,
    [property: Id(2)] int ExpectedFrames,
    [property: Id(3)] int FrameCapacity,
    [property: Id(4)] int EosCode,
    [property: Id(5)] int DefaultMaxFrames,
    [property: Id(6)] SamplingDto PredictorSampling);

/// <summary>The predictor's sampling settings for codebooks 1..15.</summary>
[GenerateSerializer, Immutable]
public sealed record SamplingDto(
    [property: Id(0)] float Temperature,
    [property: Id(1)] int TopK,
    [property: Id(2)] float TopP,
    [property: Id(3)] float RepetitionPenalty,
    [property: Id(4)] int RepetitionWindow,
    [property: Id(5)] int MinNewTokens,
    [property: Id(6)] bool DoSample);

/// <summary>A frame's 16 codes and the feedback embedding (float32 bytes) for the next talker step.</summary>
[GenerateSerializer, Immutable]
public sealed record PredictedFrameDto(
    [property: Id(0)] long[] Codes,
    [property: Id(1)] byte[] Feedback,
    [property: Id(2)] long[]? Choices = null);
