using System.Numerics.Tensors;

namespace Qwen3Tts.Inference.Talker;

/// <summary>
/// The talker's text projection ("ResizeMLP"): fc2(SiLU(fc1(x))), both with bias, text width -> talker width.
/// Every text-side prompt vector goes through it (qwen3-tts-model.md §1.3).
/// </summary>
public sealed class TextProjection
{
    private readonly float[] _fc1Weight; // [textHidden, textHidden]
    private readonly float[] _fc1Bias;
    private readonly float[] _fc2Weight; // [hidden, textHidden]
    private readonly float[] _fc2Bias;

    public TextProjection(float[] fc1Weight, float[] fc1Bias, float[] fc2Weight, float[] fc2Bias)
    {
        TextHiddenSize = fc1Bias.Length;
        HiddenSize = fc2Bias.Length;
        if (fc1Weight.Length != TextHiddenSize * TextHiddenSize || fc2Weight.Length != HiddenSize * TextHiddenSize)
        {
            throw new ArgumentException(
                $"text projection shapes disagree: fc1 {fc1Weight.Length} values for bias {TextHiddenSize}, fc2 {fc2Weight.Length} values for [{HiddenSize}, {TextHiddenSize}]");
        }
        _fc1Weight = fc1Weight;
        _fc1Bias = fc1Bias;
        _fc2Weight = fc2Weight;
        _fc2Bias = fc2Bias;
    }

    public int TextHiddenSize { get; }

    public int HiddenSize { get; }

    /// <summary>Adds the projection of <paramref name="text"/> to <paramref name="destination"/>.</summary>
    public void AddTo(ReadOnlySpan<float> text, Span<float> destination)
    {
        var th = TextHiddenSize;
        var middle = th <= 4096 ? stackalloc float[th] : new float[th];
        for (var i = 0; i < th; i++)
        {
            var a = TensorPrimitives.Dot(_fc1Weight.AsSpan(i * th, th), text) + _fc1Bias[i];
            middle[i] = a / (1f + MathF.Exp(-a));
        }
        for (var o = 0; o < HiddenSize; o++)
        {
            destination[o] += TensorPrimitives.Dot(_fc2Weight.AsSpan(o * th, th), middle) + _fc2Bias[o];
        }
    }
}
