using System.Numerics;

namespace Qwen3Tts.Inference.Kernels.Float;

/// <summary>
/// Per-row float operations around the convolutions: norms, activations, scaled residuals, the ConvNeXt
/// depthwise conv. They are a few percent of the decoder's work (the convs are ~99 % of its multiply-adds),
/// so they are written once with <see cref="Vector{T}"/> where it is free and scalar elsewhere; each output
/// depends only on its own row's inputs, so results do not depend on how a stream is chunked.
/// </summary>
public static class RowOps
{
    /// <summary>RMSNorm: <c>w · x / sqrt(mean(x²) + eps)</c> (sum of squares in double).</summary>
    public static void RmsNorm(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> weight, float eps)
    {
        double squares = 0;
        foreach (var v in x)
        {
            squares += (double)v * v;
        }
        var scale = (float)(1.0 / Math.Sqrt(squares / x.Length + eps));
        for (var i = 0; i < x.Length; i++)
        {
            y[i] = weight[i] * (x[i] * scale);
        }
    }

    /// <summary>LayerNorm over one row (biased variance, as nn.LayerNorm), in place.</summary>
    public static void LayerNorm(Span<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, float eps)
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
        var inv = 1.0 / Math.Sqrt(squares / x.Length + eps);
        var m = (float)mean;
        var s = (float)inv;
        for (var i = 0; i < x.Length; i++)
        {
            x[i] = (x[i] - m) * s * weight[i] + bias[i];
        }
    }

    /// <summary>nn.GELU() (the exact erf form) in place: x · erfc(−x/√2) / 2.</summary>
    public static void Gelu(Span<float> x)
    {
        for (var i = 0; i < x.Length; i++)
        {
            var v = x[i];
            x[i] = 0.5f * v * Erfc(-v * 0.70710677f);
        }
    }

    /// <summary>
    /// erfc with relative error below 1.2e-7 over the whole line (the Chebyshev fit of Numerical Recipes §6.2),
    /// evaluated in double and rounded once.
    /// </summary>
    public static float Erfc(float x)
    {
        double z = Math.Abs(x);
        var t = 1.0 / (1.0 + 0.5 * z);
        var r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
            + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return (float)(x >= 0 ? r : 2.0 - r);
    }

    /// <summary>SwiGLU's middle: <c>silu(gate) · up</c>, written over gate.</summary>
    public static void SiluMultiply(Span<float> gate, ReadOnlySpan<float> up)
    {
        for (var i = 0; i < gate.Length; i++)
        {
            var g = gate[i];
            gate[i] = g / (1f + MathF.Exp(-g)) * up[i];
        }
    }

    /// <summary><c>x += scale ⊙ y</c>, the layer-scaled residual.</summary>
    public static void AddScaled(Span<float> x, ReadOnlySpan<float> scale, ReadOnlySpan<float> y)
    {
        var i = 0;
        var width = Vector<float>.Count;
        for (; i + width <= x.Length; i += width)
        {
            var v = new Vector<float>(x.Slice(i, width)) + new Vector<float>(scale.Slice(i, width)) * new Vector<float>(y.Slice(i, width));
            v.CopyTo(x.Slice(i, width));
        }
        for (; i < x.Length; i++)
        {
            x[i] += scale[i] * y[i];
        }
    }

    /// <summary><c>destination = residual + scale ⊙ y</c>.</summary>
    public static void ScaledResidual(ReadOnlySpan<float> residual, ReadOnlySpan<float> scale, ReadOnlySpan<float> y, Span<float> destination)
    {
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = residual[i] + scale[i] * y[i];
        }
    }

    /// <summary>
    /// Causal depthwise conv of one output row: <c>y[c] = b[c] + Σ_j w[j][c] · x_{t − (k−1) + j}[c]</c> where
    /// <paramref name="rows"/> holds the k input rows ending at t, <paramref name="stride"/> apart, and
    /// <paramref name="weight"/> is tap-major [k][stride].
    /// </summary>
    public static void DepthwiseRow(ReadOnlySpan<float> rows, int stride, int kernel, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y)
    {
        bias.CopyTo(y);
        for (var j = 0; j < kernel; j++)
        {
            var x = rows.Slice(j * stride, y.Length);
            var w = weight.Slice(j * stride, y.Length);
            for (var c = 0; c < y.Length; c++)
            {
                y[c] = MathF.FusedMultiplyAdd(w[c], x[c], y[c]);
            }
        }
    }
}
