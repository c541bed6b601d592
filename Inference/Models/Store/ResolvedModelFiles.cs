namespace Qwen3Tts.Inference.Models.Store;

/// <summary>Absolute paths of every file the talker loads. Optional files are null when absent.</summary>
public sealed record TalkerFiles(
    string Directory,
    string Gguf,
    string Tokenizer,
    string TextEmbedding,
    string TextProjectionFc1Weight,
    string TextProjectionFc1Bias,
    string TextProjectionFc2Weight,
    string TextProjectionFc2Bias,
    string CodecEmbedding,
    string CodecHead,
    string? TtsPadEmbedding,
    string? CodePredictorWeightsNpz);

/// <summary>Absolute paths of every file the code predictor loads. Optional files are null when absent.</summary>
public sealed record PredictorFiles(
    string Directory,
    string Gguf,
    string CodecEmbedding,
    string? TtsPadEmbedding,
    string? CodePredictorWeightsNpz);

public sealed record VocoderFiles(string Onnx);

public sealed record SpeechTokenizerFiles(string Safetensors);
