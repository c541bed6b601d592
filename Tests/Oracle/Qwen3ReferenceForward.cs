using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Qwen3;

namespace Qwen3Tts.Tests.Oracle;

/// <summary>
/// The yardstick for every Qwen3 engine: the plainest f32-weight implementation of the spec
/// (docs/qwen3-tts-model.md §1.2), with double accumulation, no SIMD and no KV cache — every call
/// recomputes the whole sequence. Written from the spec, not from <see cref="Qwen3Forward"/>.
/// </summary>
public sealed class Qwen3ReferenceForward
{
    private readonly Qwen3DecoderConfig _c;
    private readonly Layer[] _layers;
    private readonly float[] _outputNorm;

    public Qwen3ReferenceForward(Qwen3StackWeights weights)
    {
        _c = weights.Config;
        _outputNorm = weights.OutputNorm;
        _layers = new Layer[weights.Layers.Count];
        for (var i = 0; i < _layers.Length; i++)
        {
            var w = weights.Layers[i];
            _layers[i] = new Layer(
                w.AttnNorm, w.Q.ToFloat32(), w.K.ToFloat32(), w.V.ToFloat32(), w.O.ToFloat32(),
                w.QNorm, w.KNorm, w.FfnNorm, w.Gate.ToFloat32(), w.Up.ToFloat32(), w.Down.ToFloat32());
        }
    }

    /// <summary>Post-final-norm hidden states of all <paramref name="length"/> positions (0..length-1).</summary>
    public float[] Forward(float[] inputs, int length)
    {
        var h = _c.HiddenSize;
        var x = new double[length][];
        for (var t = 0; t < length; t++)
        {
            x[t] = new double[h];
            for (var j = 0; j < h; j++)
            {
                x[t][j] = inputs[t * h + j];
            }
        }

        foreach (var layer in _layers)
        {
            var q = new double[length][];
            var k = new double[length][];
            var v = new double[length][];
            for (var t = 0; t < length; t++)
            {
                var normed = RmsNorm(x[t], layer.AttnNorm);
                q[t] = Linear(layer.Q, normed, _c.QueryWidth);
                k[t] = Linear(layer.K, normed, _c.KeyValueWidth);
                v[t] = Linear(layer.V, normed, _c.KeyValueWidth);
                for (var head = 0; head < _c.HeadCount; head++)
                {
                    NormAndRotate(q[t], head * _c.HeadDim, layer.QNorm, t);
                }
                for (var head = 0; head < _c.KeyValueHeadCount; head++)
                {
                    NormAndRotate(k[t], head * _c.HeadDim, layer.KNorm, t);
                }
            }
            for (var t = 0; t < length; t++)
            {
                var attention = new double[_c.QueryWidth];
                for (var head = 0; head < _c.HeadCount; head++)
                {
                    var kvHead = head / (_c.HeadCount / _c.KeyValueHeadCount);
                    var scores = new double[t + 1];
                    var max = double.NegativeInfinity;
                    for (var s = 0; s <= t; s++)
                    {
                        double dot = 0;
                        for (var d = 0; d < _c.HeadDim; d++)
                        {
                            dot += q[t][head * _c.HeadDim + d] * k[s][kvHead * _c.HeadDim + d];
                        }
                        scores[s] = dot / Math.Sqrt(_c.HeadDim);
                        max = Math.Max(max, scores[s]);
                    }
                    double total = 0;
                    for (var s = 0; s <= t; s++)
                    {
                        scores[s] = Math.Exp(scores[s] - max);
                        total += scores[s];
                    }
                    for (var s = 0; s <= t; s++)
                    {
                        for (var d = 0; d < _c.HeadDim; d++)
                        {
                            attention[head * _c.HeadDim + d] += scores[s] / total * v[s][kvHead * _c.HeadDim + d];
                        }
                    }
                }
                var projected = Linear(layer.O, attention, h);
                for (var j = 0; j < h; j++)
                {
                    x[t][j] += projected[j];
                }
            }
            for (var t = 0; t < length; t++)
            {
                var normed = RmsNorm(x[t], layer.FfnNorm);
                var gate = Linear(layer.Gate, normed, _c.FeedForwardSize);
                var up = Linear(layer.Up, normed, _c.FeedForwardSize);
                for (var j = 0; j < gate.Length; j++)
                {
                    gate[j] = gate[j] / (1 + Math.Exp(-gate[j])) * up[j];
                }
                var down = Linear(layer.Down, gate, h);
                for (var j = 0; j < h; j++)
                {
                    x[t][j] += down[j];
                }
            }
        }

        var output = new float[length * h];
        for (var t = 0; t < length; t++)
        {
            var normed = RmsNorm(x[t], _outputNorm);
            for (var j = 0; j < h; j++)
            {
                output[t * h + j] = (float)normed[j];
            }
        }
        return output;
    }

    /// <summary>A Linear layer applied in double: weight is row-major [outputs x input.Length].</summary>
    public static double[] Linear(float[] weight, double[] input, int outputs)
    {
        var y = new double[outputs];
        for (var r = 0; r < outputs; r++)
        {
            double sum = 0;
            for (var j = 0; j < input.Length; j++)
            {
                sum += weight[r * input.Length + j] * input[j];
            }
            y[r] = sum;
        }
        return y;
    }

    private double[] RmsNorm(double[] x, float[] weight)
    {
        double squares = 0;
        foreach (var value in x)
        {
            squares += value * value;
        }
        var scale = 1 / Math.Sqrt(squares / x.Length + _c.RmsNormEpsilon);
        var y = new double[x.Length];
        for (var j = 0; j < x.Length; j++)
        {
            y[j] = weight[j] * x[j] * scale;
        }
        return y;
    }

    /// <summary>Per-head RMSNorm over head_dim, then rotate-half RoPE: dim i pairs with i + head_dim/2.</summary>
    private void NormAndRotate(double[] vector, int offset, float[] weight, int position)
    {
        var dim = _c.HeadDim;
        var head = new double[dim];
        Array.Copy(vector, offset, head, 0, dim);
        head = RmsNorm(head, weight);
        var half = dim / 2;
        for (var i = 0; i < half; i++)
        {
            var angle = position * Math.Pow(_c.RopeTheta, -2.0 * i / dim);
            var (sin, cos) = Math.SinCos(angle);
            vector[offset + i] = head[i] * cos - head[i + half] * sin;
            vector[offset + i + half] = head[i + half] * cos + head[i] * sin;
        }
    }

    private sealed record Layer(
        float[] AttnNorm, float[] Q, float[] K, float[] V, float[] O,
        float[] QNorm, float[] KNorm, float[] FfnNorm, float[] Gate, float[] Up, float[] Down);
}
