using Qwen3Tts.Inference.Codec.Encoder;
using Qwen3Tts.Inference.Formats.Safetensors;

namespace Qwen3Tts.Tests.Oracle;

/// <summary>
/// A plain port of Qwen3TTSTokenizerV2Model.encode on transformers' MimiModel (4.57), in double, channel-major
/// like PyTorch ([channels][time]), reading the tensors by their module-tree names straight from the file:
/// MimiConv1d's causal padding (padding_total on the left, the "extra padding" from its n_frames formula on the
/// right, pad_mode constant for SEANet and replicate for the downsample), MimiResnetBlock, MimiTransformerLayer
/// (LayerNorm, rotate-half rope, plain causal softmax attention, exact GELU, layer scales), and the split RVQ
/// with exact Euclidean distances. No kernel of the engine is used.
/// </summary>
public sealed class MimiEncoderReference
{
    private readonly SafetensorsFile _file;
    private readonly MimiEncoderConfig _c;

    public MimiEncoderReference(SafetensorsFile file, MimiEncoderConfig config)
    {
        _file = file;
        _c = config;
    }

    private readonly Dictionary<string, float[]> _tensors = new(StringComparer.Ordinal);

    private float[] Read(string name)
    {
        if (!_tensors.TryGetValue(name, out var values))
        {
            _tensors[name] = values = _file.ReadFloat32(name);
        }
        return values;
    }

    /// <summary>Pre-quantisation latents [frames][hidden].</summary>
    public double[][] Latents(float[] samples)
    {
        var x = new[] { samples.Select(v => (double)v).ToArray() };
        x = Conv("encoder.encoder.layers.0", x, _c.Filters, _c.KernelSize, 1, 1, "constant", bias: true);
        var index = 1;
        var width = _c.Filters;
        foreach (var ratio in _c.UpsamplingRatios.Reverse())
        {
            for (var j = 0; j < _c.ResidualLayers; j++)
            {
                var h = Conv($"encoder.encoder.layers.{index}.block.1", Elu(x), width / _c.Compress, _c.ResidualKernelSize, 1, (int)Math.Pow(_c.DilationGrowthRate, j), _c.PadMode, true);
                h = Conv($"encoder.encoder.layers.{index}.block.3", Elu(h), width, 1, ratio: 1, dilation: 1, _c.PadMode, true);
                x = x.Select((row, ch) => row.Select((v, t) => v + h[ch][t]).ToArray()).ToArray();
                index++;
            }
            index++; // ELU
            x = Conv($"encoder.encoder.layers.{index}", Elu(x), width * 2, ratio * 2, ratio, 1, _c.PadMode, true);
            index++;
            width *= 2;
        }
        index++; // ELU
        x = Conv($"encoder.encoder.layers.{index}", Elu(x), _c.HiddenSize, _c.LastKernelSize, 1, 1, _c.PadMode, true);

        var sequence = Transpose(x);
        for (var layer = 0; layer < _c.TransformerLayers; layer++)
        {
            sequence = TransformerLayer(layer, sequence);
        }
        x = Transpose(sequence, _c.HiddenSize);
        if (_c.HasDownsample)
        {
            x = Conv("encoder.downsample", x, _c.HiddenSize, _c.DownsampleKernel, _c.DownsampleStride, 1, "replicate", bias: false);
        }
        return Transpose(x);
    }

    /// <summary>One RVQ decision: the code chosen (the forced one when given), the exact nearest one and both distances.</summary>
    public sealed record Decision(int Frame, int Codebook, int Chosen, int Nearest, double ChosenDistance, double NearestDistance);

    /// <summary>
    /// The split RVQ over <paramref name="latents"/>, cut to <c>encoder_valid_num_quantizers</c>. With
    /// <paramref name="forced"/> ([frames][codebooks] codes of another implementation) the residual follows the
    /// forced codes, so each of its decisions is judged on its own (teacher forcing).
    /// </summary>
    public List<Decision> Quantize(double[][] latents, int[]? forced = null)
    {
        var decisions = new List<Decision>();
        var valid = _c.ValidQuantizers;
        var semantic = Math.Min(_c.SemanticQuantizers, valid);
        foreach (var (isSemantic, first, count) in new[] { (true, 0, semantic), (false, semantic, valid - semantic) })
        {
            var name = $"encoder.quantizer.{(isSemantic ? "semantic" : "acoustic")}_residual_vector_quantizer";
            var dim = _c.VectorQuantizationHiddenDimension;
            var projection = _c.VectorQuantizationHiddenDimension != _c.HiddenSize ? Read($"{name}.input_proj.weight") : null;
            var books = Enumerable.Range(0, count).Select(l => Codebook($"{name}.layers.{l}.codebook")).ToArray();
            for (var f = 0; f < latents.Length; f++)
            {
                var residual = projection is null ? (double[])latents[f].Clone() : Linear(projection, null, latents[f], dim);
                for (var l = 0; l < count; l++)
                {
                    var book = books[l];
                    var nearest = 0;
                    var distances = new double[book.Length];
                    for (var j = 0; j < book.Length; j++)
                    {
                        double d = 0;
                        for (var i = 0; i < dim; i++)
                        {
                            var diff = residual[i] - book[j][i];
                            d += diff * diff;
                        }
                        distances[j] = Math.Sqrt(d);
                        if (distances[j] < distances[nearest])
                        {
                            nearest = j;
                        }
                    }
                    var k = first + l;
                    var chosen = forced is null ? nearest : forced[f * valid + k];
                    decisions.Add(new Decision(f, k, chosen, nearest, distances[chosen], distances[nearest]));
                    for (var i = 0; i < dim; i++)
                    {
                        residual[i] -= book[chosen][i];
                    }
                }
            }
        }
        return decisions.OrderBy(d => d.Frame).ThenBy(d => d.Codebook).ToList();
    }

    private double[][] Codebook(string prefix)
    {
        var sum = Read($"{prefix}.embed_sum");
        var usage = Read($"{prefix}.cluster_usage");
        var dim = _c.CodebookDim;
        return Enumerable.Range(0, _c.CodebookSize)
            .Select(j => Enumerable.Range(0, dim).Select(i => (double)sum[j * dim + i] / Math.Max(usage[j], 1e-5)).ToArray())
            .ToArray();
    }

    /// <summary>MimiConv1d.forward with use_causal_conv: pad (padding_total, extra) in the layer's mode, then nn.Conv1d.</summary>
    private double[][] Conv(string prefix, double[][] x, int outChannels, int kernel, int ratio, int dilation, string mode, bool bias)
    {
        var weight = Read($"{prefix}.conv.weight");
        var b = bias ? Read($"{prefix}.conv.bias") : null;
        var inChannels = x.Length;
        var length = x[0].Length;
        var stride = ratio;
        var effective = (kernel - 1) * dilation + 1;
        var paddingTotal = effective - stride;
        // _get_extra_padding_for_conv1d, with its true division and ceil.
        var frames = (long)Math.Ceiling((length - effective + paddingTotal) / (double)stride + 1) - 1;
        var ideal = frames * stride + effective - paddingTotal;
        var extra = (int)(ideal - length);
        var padded = x.Select(row =>
        {
            var p = new double[paddingTotal + length + extra];
            Array.Copy(row, 0, p, paddingTotal, length);
            if (mode == "replicate" && length > 0)
            {
                for (var i = 0; i < paddingTotal; i++)
                {
                    p[i] = row[0];
                }
                for (var i = 0; i < extra; i++)
                {
                    p[paddingTotal + length + i] = row[length - 1];
                }
            }
            return p;
        }).ToArray();
        var outLength = (padded[0].Length - effective) / stride + 1;
        var y = new double[outChannels][];
        for (var o = 0; o < outChannels; o++)
        {
            y[o] = new double[outLength];
            for (var t = 0; t < outLength; t++)
            {
                double acc = b?[o] ?? 0;
                for (var i = 0; i < inChannels; i++)
                {
                    for (var k = 0; k < kernel; k++)
                    {
                        acc += weight[(o * inChannels + i) * kernel + k] * padded[i][t * stride + k * dilation];
                    }
                }
                y[o][t] = acc;
            }
        }
        return y;
    }

    private double[][] TransformerLayer(int layer, double[][] x)
    {
        string P(string t) => $"encoder.encoder_transformer.layers.{layer}.{t}";
        float[] R(string t) => Read(P(t));
        float[]? B(string t) => _c.AttentionBias ? R(t) : null;
        var h = _c.HiddenSize;
        var heads = _c.AttentionHeads;
        var kvHeads = _c.KeyValueHeads;
        var hd = _c.HeadDim;
        var length = x.Length;

        var normed = x.Select(r => LayerNorm(r, R("input_layernorm.weight"), R("input_layernorm.bias"))).ToArray();
        var q = normed.Select(r => Linear(R("self_attn.q_proj.weight"), B("self_attn.q_proj.bias"), r, heads * hd)).ToArray();
        var k = normed.Select(r => Linear(R("self_attn.k_proj.weight"), B("self_attn.k_proj.bias"), r, kvHeads * hd)).ToArray();
        var v = normed.Select(r => Linear(R("self_attn.v_proj.weight"), B("self_attn.v_proj.bias"), r, kvHeads * hd)).ToArray();
        for (var t = 0; t < length; t++)
        {
            Rope(q[t], heads, t);
            Rope(k[t], kvHeads, t);
        }
        var attended = new double[length][];
        for (var t = 0; t < length; t++)
        {
            attended[t] = new double[heads * hd];
            for (var head = 0; head < heads; head++)
            {
                var kvHead = head / (heads / kvHeads);
                var scores = new double[t + 1];
                for (var j = 0; j <= t; j++)
                {
                    double s = 0;
                    for (var i = 0; i < hd; i++)
                    {
                        s += q[t][head * hd + i] * k[j][kvHead * hd + i];
                    }
                    scores[j] = s / Math.Sqrt(hd);
                }
                var max = scores.Max();
                var exps = scores.Select(s => Math.Exp(s - max)).ToArray();
                var sum = exps.Sum();
                for (var j = 0; j <= t; j++)
                {
                    for (var i = 0; i < hd; i++)
                    {
                        attended[t][head * hd + i] += exps[j] / sum * v[j][kvHead * hd + i];
                    }
                }
            }
        }
        var attentionScale = R("self_attn_layer_scale.scale");
        var mlpScale = R("mlp_layer_scale.scale");
        var result = new double[length][];
        for (var t = 0; t < length; t++)
        {
            var o = Linear(R("self_attn.o_proj.weight"), B("self_attn.o_proj.bias"), attended[t], h);
            var y = x[t].Select((val, i) => val + attentionScale[i] * o[i]).ToArray();
            var m = Linear(R("mlp.fc1.weight"), null, LayerNorm(y, R("post_attention_layernorm.weight"), R("post_attention_layernorm.bias")), _c.IntermediateSize)
                .Select(a => 0.5 * a * (1 + Erf(a / Math.Sqrt(2)))).ToArray();
            var f = Linear(R("mlp.fc2.weight"), null, m, h);
            result[t] = y.Select((val, i) => val + mlpScale[i] * f[i]).ToArray();
        }
        return result;
    }

    private void Rope(double[] x, int heads, int position)
    {
        var hd = _c.HeadDim;
        var half = hd / 2;
        for (var head = 0; head < heads; head++)
        {
            for (var i = 0; i < half; i++)
            {
                var angle = position / Math.Pow(_c.RopeTheta, 2.0 * i / hd);
                double x1 = x[head * hd + i], x2 = x[head * hd + i + half];
                x[head * hd + i] = x1 * Math.Cos(angle) - x2 * Math.Sin(angle);
                x[head * hd + i + half] = x2 * Math.Cos(angle) + x1 * Math.Sin(angle);
            }
        }
    }

    private double[] LayerNorm(double[] x, float[] weight, float[] bias)
    {
        var mean = x.Average();
        var variance = x.Select(v => (v - mean) * (v - mean)).Average();
        return x.Select((v, i) => (v - mean) / Math.Sqrt(variance + _c.NormEps) * weight[i] + bias[i]).ToArray();
    }

    private static double[] Linear(float[] weight, float[]? bias, double[] x, int outFeatures)
    {
        var y = new double[outFeatures];
        for (var o = 0; o < outFeatures; o++)
        {
            double acc = bias?[o] ?? 0;
            for (var i = 0; i < x.Length; i++)
            {
                acc += weight[o * x.Length + i] * x[i];
            }
            y[o] = acc;
        }
        return y;
    }

    private static double[][] Elu(double[][] x) => x.Select(r => r.Select(v => v > 0 ? v : Math.Exp(v) - 1).ToArray()).ToArray();

    private static double[][] Transpose(double[][] channelsByTime)
    {
        var length = channelsByTime[0].Length;
        return Enumerable.Range(0, length).Select(t => channelsByTime.Select(row => row[t]).ToArray()).ToArray();
    }

    private static double[][] Transpose(double[][] timeByChannels, int channels) =>
        Enumerable.Range(0, channels).Select(c => timeByChannels.Select(row => row[c]).ToArray()).ToArray();

    /// <summary>erf by its everywhere-convergent series of positive terms, 2/√π · e^(−x²) Σ 2ⁿ x^(2n+1) / (1·3·…·(2n+1)).</summary>
    public static double Erf(double x)
    {
        var a = Math.Abs(x);
        if (a > 6)
        {
            return Math.Sign(x);
        }
        double term = a, sum = a;
        for (var n = 1; n < 400 && term > 1e-17 * sum; n++)
        {
            term *= 2 * a * a / (2 * n + 1);
            sum += term;
        }
        return Math.Sign(x) * 2 / Math.Sqrt(Math.PI) * Math.Exp(-a * a) * sum;
    }
}
