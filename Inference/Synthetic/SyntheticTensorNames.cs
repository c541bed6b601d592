namespace Qwen3Tts.Inference.Synthetic;

/// <summary>
/// Logical names that key the synthetic random streams. A tensor stored in several files
/// (talker npy, predictor GGUF, npz) uses one name, so every copy holds the same values.
/// </summary>
internal static class SyntheticTensorNames
{
    public const string TextEmbedding = "talker.text_embedding";
    public const string ProjectionFc1Weight = "talker.text_projection.fc1.weight";
    public const string ProjectionFc1Bias = "talker.text_projection.fc1.bias";
    public const string ProjectionFc2Weight = "talker.text_projection.fc2.weight";
    public const string ProjectionFc2Bias = "talker.text_projection.fc2.bias";
    public const string TalkerCodecEmbedding = "talker.codec_embedding";
    public const string TalkerCodecHead = "talker.codec_head";

    public static string PredictorCodecEmbedding(int group) => $"predictor.codec_embedding.{group}";

    public static string PredictorHead(int group) => $"predictor.lm_head.{group}";
}
