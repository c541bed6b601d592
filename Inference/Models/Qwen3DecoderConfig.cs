namespace Qwen3Tts.Inference.Models;

/// <summary>
/// Hyper-parameters of one Qwen3 decoder stack (the talker LLM or the 5-layer code predictor).
/// Read from GGUF metadata on load; the presets are the official 0.6B values.
/// </summary>
public sealed record Qwen3DecoderConfig(
    int LayerCount,
    int HiddenSize,
    int HeadCount,
    int KeyValueHeadCount,
    int HeadDim,
    int FeedForwardSize,
    float RmsNormEpsilon,
    float RopeTheta,
    int ContextLength)
{
    public int QueryWidth => HeadCount * HeadDim;

    public int KeyValueWidth => KeyValueHeadCount * HeadDim;

    /// <summary>The 0.6B talker: 28 layers, hidden 1024, 16/8 heads of 128, FFN 3072.</summary>
    public static Qwen3DecoderConfig Talker06B { get; } = new(28, 1024, 16, 8, 128, 3072, 1e-6f, 1_000_000f, 32768);

    /// <summary>The 0.6B code predictor: 5 layers with the talker's layer shapes.</summary>
    public static Qwen3DecoderConfig Predictor06B { get; } = new(5, 1024, 16, 8, 128, 3072, 1e-6f, 1_000_000f, 65536);
}
