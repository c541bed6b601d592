using Qwen3Tts.Inference.Predictor;

namespace Qwen3Tts.Tests.Predictor;

/// <summary>Softmax sampling at a temperature with its own seeded random state (one per request).</summary>
internal sealed class SeededSampler(int seed, float temperature = 1f) : ISubCodeSampler
{
    private readonly Random _random = new(seed);

    public int Sample(Span<float> logits)
    {
        var max = float.NegativeInfinity;
        foreach (var l in logits)
        {
            max = MathF.Max(max, l);
        }
        double total = 0;
        for (var i = 0; i < logits.Length; i++)
        {
            logits[i] = MathF.Exp((logits[i] - max) / temperature);
            total += logits[i];
        }
        var pick = _random.NextDouble() * total;
        for (var i = 0; i < logits.Length; i++)
        {
            pick -= logits[i];
            if (pick <= 0)
            {
                return i;
            }
        }
        return logits.Length - 1;
    }
}

/// <summary>Returns a fixed value, to test how the engine treats a broken sampler.</summary>
internal sealed class ConstantSampler(int code) : ISubCodeSampler
{
    public int Sample(Span<float> logits) => code;
}
