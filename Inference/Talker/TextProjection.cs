using System.Numerics.Tensors;
using Qwen3Tts.Inference.Qwen3;

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
        if (destination.Length != HiddenSize)
        {
            throw new ArgumentException($"destination needs {HiddenSize} values, got {destination.Length}.", nameof(destination));
        }
        Span<float> projected = HiddenSize <= 4096 ? stackalloc float[HiddenSize] : new float[HiddenSize];
        Project(text, 1, projected, RowParallelism.Sequential);
        TensorPrimitives.Add(destination, projected, destination);
    }

    /// <summary>
    /// Writes the projections of <paramref name="n"/> text rows (n x text width) to <paramref name="destination"/>
    /// (n x width). Each weight row is read once for all of them: the two matrices are 25 MB of f32 at 0.6B, which a
    /// row at a time streamed from memory for every token of a prompt (20 rows of a short prompt: 50-57 ms on a
    /// 2-core AMD Zen 1). Every value is the same dot product, in the same order, as a row projected alone.
    /// </summary>
    public void Project(ReadOnlySpan<float> texts, int n, Span<float> destination, RowParallelism? parallelism = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        if (texts.Length != n * TextHiddenSize)
        {
            throw new ArgumentException($"{n} text rows of width {TextHiddenSize} need {n * TextHiddenSize} values, got {texts.Length}.", nameof(texts));
        }
        if (destination.Length != n * HiddenSize)
        {
            throw new ArgumentException($"{n} projected rows of width {HiddenSize} need {n * HiddenSize} values, got {destination.Length}.", nameof(destination));
        }
        var job = new Layer(texts.ToArray(), n, TextHiddenSize);
        var middle = new float[n * TextHiddenSize];
        var workers = parallelism ?? RowParallelism.Shared;
        job.Set(_fc1Weight, _fc1Bias, middle, TextHiddenSize, silu: true);
        workers.Run(job, TextHiddenSize, (long)n * _fc1Weight.Length);
        var output = new float[n * HiddenSize];
        job.Next(middle);
        job.Set(_fc2Weight, _fc2Bias, output, HiddenSize, silu: false);
        workers.Run(job, HiddenSize, (long)n * _fc2Weight.Length);
        output.CopyTo(destination);
    }

    /// <summary>One linear layer over n rows as row-range work: output o of row r is dot(weight row o, input row r) + bias[o].</summary>
    private sealed class Layer(float[] inputs, int n, int inputWidth) : IRowRangeWork
    {
        private float[] _inputs = inputs;
        private float[] _weight = [];
        private float[] _bias = [];
        private float[] _output = [];
        private int _outputWidth;
        private bool _silu;

        public void Set(float[] weight, float[] bias, float[] output, int outputWidth, bool silu) =>
            (_weight, _bias, _output, _outputWidth, _silu) = (weight, bias, output, outputWidth, silu);

        public void Next(float[] inputs) => _inputs = inputs;

        public void Execute(int startRow, int endRow)
        {
            for (var o = startRow; o < endRow; o++)
            {
                // The weight row stays in L1 for every input row.
                var w = _weight.AsSpan(o * inputWidth, inputWidth);
                for (var r = 0; r < n; r++)
                {
                    var a = TensorPrimitives.Dot(w, _inputs.AsSpan(r * inputWidth, inputWidth)) + _bias[o];
                    _output[r * _outputWidth + o] = _silu ? a / (1f + MathF.Exp(-a)) : a;
                }
            }
        }
    }
}
