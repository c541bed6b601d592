using Qwen3Tts.Inference.Vocoder;

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

/// <summary>The vocoder's file: speech_tokenizer/model.safetensors (native) or vocoder/vocoder.onnx (<c>--vocoder onnx</c>).</summary>
public sealed record VocoderFiles(VocoderEngine Engine, string Path)
{
    /// <summary>The ONNX file; only for the ONNX engine.</summary>
    public string Onnx => Engine == VocoderEngine.Onnx ? Path : throw new InvalidOperationException("the native vocoder has no ONNX file");
}

public sealed record SpeechTokenizerFiles(string Safetensors);

/// <summary>
/// Absolute paths of an official Hugging Face snapshot (config.json-driven). Optional files are null when absent.
/// </summary>
public sealed record OfficialFiles(
    string Directory,
    string Config,
    string? GenerationConfig,
    string Weights,
    string Vocab,
    string Merges,
    string TokenizerConfig,
    string SpeechTokenizerWeights);
