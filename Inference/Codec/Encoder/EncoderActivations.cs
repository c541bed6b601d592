namespace Qwen3Tts.Inference.Codec.Encoder;

/// <summary>The encoder's element-wise functions: nn.ELU (alpha 1), nn.GELU (the exact erf form), nn.LayerNorm.</summary>
internal static class EncoderActivations
{
    public static float Elu(float x) => x > 0 ? x : MathF.Exp(x) - 1f;

    public static void Elu(ReadOnlySpan<float> x, Span<float> y)
    {
        for (var i = 0; i < x.Length; i++)
        {
            y[i] = Elu(x[i]);
        }
    }

    /// <summary>x · Φ(x) = x · erfc(−x/√2) / 2 (transformers' "gelu" is torch's exact GELU, not the tanh form).</summary>
    public static void Gelu(Span<float> x)
    {
        for (var i = 0; i < x.Length; i++)
        {
            var v = x[i];
            x[i] = 0.5f * v * Erfc(-v * 0.70710678f);
        }
    }

    /// <summary>
    /// erfc with relative error below 1.2e-7 over the whole line (the Chebyshev fit of Numerical Recipes §6.2),
    /// in double and rounded once, so GELU keeps float precision everywhere.
    /// </summary>
    public static float Erfc(float x)
    {
        double z = Math.Abs(x);
        var t = 1.0 / (1.0 + 0.5 * z);
        var r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
            + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return (float)(x >= 0 ? r : 2.0 - r);
    }

    /// <summary>nn.LayerNorm over one row (biased variance), from <paramref name="x"/> into <paramref name="y"/>; statistics in double.</summary>
    public static void LayerNorm(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, float eps)
    {
        double sum = 0;
        foreach (var v in x)
        {
            sum += v;
        }
        var mean = sum / x.Length;
        double squares = 0;
        foreach (var v in x)
        {
            var d = v - mean;
            squares += d * d;
        }
        var scale = (float)(1.0 / Math.Sqrt(squares / x.Length + eps));
        var m = (float)mean;
        for (var i = 0; i < x.Length; i++)
        {
            y[i] = (x[i] - m) * scale * weight[i] + bias[i];
        }
    }
}
