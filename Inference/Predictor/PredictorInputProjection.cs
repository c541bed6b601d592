using Qwen3Tts.Inference.Qwen3;

namespace Qwen3Tts.Inference.Predictor;

/// <summary>
/// <c>small_to_mtp_projection</c>: the Linear (with bias) that maps every code-predictor input vector from
/// the talker width to the predictor width (1.7B: 2048 → 1024). The 0.6B models have none (an identity):
/// then <see cref="Apply"/> is a copy.
/// </summary>
public sealed class PredictorInputProjection
{
    public PredictorInputProjection(QuantizedMatrix weight, float[] bias)
    {
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(bias);
        if (bias.Length != weight.Rows)
        {
            throw new ModelFormatException($"bias has {bias.Length} values for a [{weight.Rows} x {weight.Columns}] weight", null, "small_to_mtp_projection.bias");
        }
        Weight = weight;
        Bias = bias;
    }

    /// <summary>[predictor hidden x talker hidden]</summary>
    public QuantizedMatrix Weight { get; }

    /// <summary>[predictor hidden]</summary>
    public float[] Bias { get; }

    public int InputWidth => Weight.Columns;

    public int OutputWidth => Weight.Rows;

    /// <summary>y[i] = W x[i] + b for <paramref name="n"/> row-major inputs.</summary>
    public void Apply(ReadOnlySpan<float> x, int n, Span<float> y, RowParallelism? parallelism)
    {
        Weight.MatMul(x[..(n * InputWidth)], n, y[..(n * OutputWidth)], parallelism);
        for (var i = 0; i < n; i++)
        {
            var row = y.Slice(i * OutputWidth, OutputWidth);
            System.Numerics.Tensors.TensorPrimitives.Add(row, Bias, row);
        }
    }
}
