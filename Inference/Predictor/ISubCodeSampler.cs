namespace Qwen3Tts.Inference.Predictor;

/// <summary>
/// Picks one code (0..2047) of codebooks 1–15 from a predictor head's logits. Implementations may
/// modify <paramref name="logits"/> in place (temperature, top-k) — the buffer is scratch.
/// One instance per request: a seeded sampler carries its own random state.
/// </summary>
public interface ISubCodeSampler
{
    int Sample(Span<float> logits);
}
