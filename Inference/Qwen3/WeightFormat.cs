namespace Qwen3Tts.Inference.Qwen3;

/// <summary>How a <see cref="QuantizedMatrix"/> keeps its weights in memory.</summary>
public enum WeightFormat
{
    Float32,
    /// <summary>ggml Q8_0: 32 int8 per block with one scale.</summary>
    Q8_0,
}
