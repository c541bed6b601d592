using Qwen3Tts.Inference.Sampling;

namespace Qwen3Tts.Inference.Predictor;

/// <summary>Deterministic predictor sampling: always the most likely code.</summary>
public sealed class GreedySubCodeSampler : ISubCodeSampler
{
    public int Sample(Span<float> logits) => Greedy.ArgMax(logits);
}
