namespace Qwen3Tts.Inference.Sampling;

/// <summary>Greedy choice, shared by do_sample=false, the predictor benchmark and the engine tests.</summary>
public static class Greedy
{
    /// <summary>Index of the largest value; the lowest index wins ties, like torch.argmax.</summary>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        var best = -1;
        var bestValue = float.NegativeInfinity;
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] > bestValue)
            {
                bestValue = values[i];
                best = i;
            }
        }
        return best >= 0 ? best : throw new InvalidOperationException("every token is masked; nothing can be chosen");
    }
}
