using Qwen3Tts.Inference.Codec.SpeakerEncoder;

namespace Qwen3Tts.Tests.Oracle;

/// <summary>
/// `Qwen3TTSSpeakerEncoder` (ECAPA-TDNN) of the official modeling code in plain double loops, channel-major
/// [C][T] like PyTorch: Conv1d with padding="same" + padding_mode="reflect" written out, ReLU TDNN blocks,
/// Res2Net chunking as torch.chunk does it, squeeze-excitation, the multi-layer aggregation, attentive
/// statistics pooling with its length mask (all ones for one clip) and the final fc. Reads the weights in
/// PyTorch layout; shares none of the engine's kernels.
/// </summary>
public sealed class SpeakerEncoderReference(SpeakerEncoderWeights weights)
{
    private readonly SpeakerEncoderConfig _c = weights.Config;

    /// <summary>The x-vector of log-mel frames [T][mel_dim] (the (1, T, 128) input).</summary>
    public double[] Forward(double[][] mel)
    {
        var x = Transpose(mel);
        var outputs = new List<double[][]>();
        x = Tdnn(x, SpeakerEncoderLayout.Block0, _c.KernelSizes[0], _c.Dilations[0]);
        outputs.Add(x);
        for (var b = 1; b <= _c.SeRes2NetBlocks; b++)
        {
            x = SeRes2NetBlock(x, b);
            outputs.Add(x);
        }
        var cat = outputs.Skip(1).SelectMany(o => o).ToArray();
        x = Tdnn(cat, SpeakerEncoderLayout.Mfa, _c.KernelSizes[^1], _c.Dilations[^1]);
        var pooled = AttentiveStatisticsPooling(x);
        var fc = Conv(pooled.Select(v => new[] { v }).ToArray(), SpeakerEncoderLayout.Fc, 1, 1);
        return fc.Select(row => row[0]).ToArray();
    }

    private double[][] SeRes2NetBlock(double[][] input, int b)
    {
        var h = Tdnn(input, SpeakerEncoderLayout.Tdnn1(b), 1, 1);
        h = Res2Net(h, b);
        h = Tdnn(h, SpeakerEncoderLayout.Tdnn2(b), 1, 1);
        h = SqueezeExcitation(h, b);
        return h.Select((row, c) => row.Select((v, t) => v + input[c][t]).ToArray()).ToArray();
    }

    private double[][] Res2Net(double[][] x, int b)
    {
        var scale = _c.Res2NetScale;
        var width = x.Length / scale; // torch.chunk: equal chunks when divisible
        var outputs = new List<double[]>();
        double[][]? previous = null;
        for (var i = 0; i < scale; i++)
        {
            var part = x.Skip(i * width).Take(width).ToArray();
            double[][] output;
            if (i == 0)
            {
                output = part;
            }
            else if (i == 1)
            {
                output = Tdnn(part, SpeakerEncoderLayout.Res2Net(b, i - 1), _c.KernelSizes[b], _c.Dilations[b]);
            }
            else
            {
                var sum = part.Select((row, c) => row.Select((v, t) => v + previous![c][t]).ToArray()).ToArray();
                output = Tdnn(sum, SpeakerEncoderLayout.Res2Net(b, i - 1), _c.KernelSizes[b], _c.Dilations[b]);
            }
            previous = output;
            outputs.AddRange(output);
        }
        return outputs.ToArray();
    }

    private double[][] SqueezeExcitation(double[][] x, int b)
    {
        var mean = x.Select(row => new[] { row.Average() }).ToArray();
        var s = Conv(mean, SpeakerEncoderLayout.SeConv1(b), 1, 1).Select(r => new[] { Math.Max(0, r[0]) }).ToArray();
        s = Conv(s, SpeakerEncoderLayout.SeConv2(b), 1, 1).Select(r => new[] { 1 / (1 + Math.Exp(-r[0])) }).ToArray();
        return x.Select((row, c) => row.Select(v => v * s[c][0]).ToArray()).ToArray();
    }

    private double[] AttentiveStatisticsPooling(double[][] x)
    {
        const double eps = 1e-12;
        var channels = x.Length;
        var length = x[0].Length;
        // mask = 1 for every frame of the one clip; mask / total = 1 / T.
        var uniform = Enumerable.Repeat(1.0 / length, length).ToArray();
        var (mean, std) = Statistics(x, c => uniform);
        var attention = new double[3 * channels][];
        for (var c = 0; c < channels; c++)
        {
            attention[c] = x[c];
            attention[channels + c] = Enumerable.Repeat(mean[c], length).ToArray();
            attention[2 * channels + c] = Enumerable.Repeat(std[c], length).ToArray();
        }
        var a = Tdnn(attention, SpeakerEncoderLayout.AspTdnn, 1, 1);
        a = a.Select(row => row.Select(Math.Tanh).ToArray()).ToArray();
        a = Conv(a, SpeakerEncoderLayout.AspConv, 1, 1);
        var softmax = a.Select(row =>
        {
            var max = row.Max();
            var e = row.Select(v => Math.Exp(v - max)).ToArray();
            var sum = e.Sum();
            return e.Select(v => v / sum).ToArray();
        }).ToArray();
        var (weightedMean, weightedStd) = Statistics(x, c => softmax[c]);
        return weightedMean.Concat(weightedStd).ToArray();

        (double[] Mean, double[] Std) Statistics(double[][] values, Func<int, double[]> m)
        {
            var mu = new double[values.Length];
            var sd = new double[values.Length];
            for (var c = 0; c < values.Length; c++)
            {
                var w = m(c);
                for (var t = 0; t < values[c].Length; t++)
                {
                    mu[c] += w[t] * values[c][t];
                }
                double v = 0;
                for (var t = 0; t < values[c].Length; t++)
                {
                    v += w[t] * (values[c][t] - mu[c]) * (values[c][t] - mu[c]);
                }
                sd[c] = Math.Sqrt(Math.Max(v, eps));
            }
            return (mu, sd);
        }
    }

    private double[][] Tdnn(double[][] x, string stem, int kernel, int dilation) =>
        Conv(x, stem, kernel, dilation).Select(row => row.Select(v => Math.Max(0, v)).ToArray()).ToArray();

    /// <summary>nn.Conv1d(padding="same", padding_mode="reflect"): total d·(k−1), left = total / 2, the rest right.</summary>
    private double[][] Conv(double[][] x, string stem, int kernel, int dilation)
    {
        var w = weights[stem + ".weight"].ToArray();
        var bias = weights[stem + ".bias"].ToArray();
        var inChannels = x.Length;
        var outChannels = bias.Length;
        Assert.Equal(outChannels * inChannels * kernel, w.Length);
        var length = x[0].Length;
        var total = dilation * (kernel - 1);
        var padded = x.Select(row => ReflectPad(row, total / 2, total - total / 2)).ToArray();
        var y = new double[outChannels][];
        for (var o = 0; o < outChannels; o++)
        {
            y[o] = Enumerable.Repeat((double)bias[o], length).ToArray();
            for (var i = 0; i < inChannels; i++)
            {
                for (var k = 0; k < kernel; k++)
                {
                    double wk = w[(o * inChannels + i) * kernel + k];
                    var source = padded[i];
                    var shift = k * dilation;
                    for (var t = 0; t < length; t++)
                    {
                        y[o][t] += wk * source[t + shift];
                    }
                }
            }
        }
        return y;
    }

    /// <summary>F.pad(mode="reflect"): the edge sample is not repeated; PyTorch needs each pad shorter than the row.</summary>
    private static double[] ReflectPad(double[] row, int left, int right)
    {
        Assert.True(left < row.Length && right < row.Length, "reflect padding needs pad < input length");
        var padded = new double[left + row.Length + right];
        for (var j = 0; j < padded.Length; j++)
        {
            var index = j - left;
            if (index < 0)
            {
                index = -index;
            }
            if (index >= row.Length)
            {
                index = 2 * (row.Length - 1) - index;
            }
            padded[j] = row[index];
        }
        return padded;
    }

    private static double[][] Transpose(double[][] m)
    {
        var result = new double[m[0].Length][];
        for (var c = 0; c < result.Length; c++)
        {
            result[c] = m.Select(row => row[c]).ToArray();
        }
        return result;
    }
}
