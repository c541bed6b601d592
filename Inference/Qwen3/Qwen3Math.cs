using System.Numerics.Tensors;

namespace Qwen3Tts.Inference.Qwen3;

/// <summary>The element-wise pieces of a Qwen3 layer, kept apart from the data flow in <see cref="Qwen3Forward"/>.</summary>
internal static class Qwen3Math
{
    /// <summary>dst = w * x * rsqrt(mean(x²) + eps): Qwen3's RMSNorm, without the +1 some models add to w.</summary>
    public static void RmsNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, float epsilon, Span<float> destination)
    {
        var scale = 1f / MathF.Sqrt(TensorPrimitives.SumOfSquares(x) / x.Length + epsilon);
        TensorPrimitives.Multiply(x, scale, destination);
        TensorPrimitives.Multiply(destination, weight, destination);
    }

    /// <summary>gate = silu(gate) * up, the SwiGLU activation.</summary>
    public static void SwiGlu(Span<float> gate, ReadOnlySpan<float> up)
    {
        for (var i = 0; i < gate.Length; i++)
        {
            var g = gate[i];
            gate[i] = g / (1f + MathF.Exp(-g)) * up[i];
        }
    }

    /// <summary>In-place softmax over <paramref name="scores"/>.</summary>
    public static void Softmax(Span<float> scores)
    {
        var max = TensorPrimitives.Max(scores);
        var sum = 0f;
        for (var i = 0; i < scores.Length; i++)
        {
            var e = MathF.Exp(scores[i] - max);
            scores[i] = e;
            sum += e;
        }
        TensorPrimitives.Multiply(scores, 1f / sum, scores);
    }
}
