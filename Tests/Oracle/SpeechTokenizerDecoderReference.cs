using Qwen3Tts.Inference.Codec;
using Qwen3Tts.Inference.Codec.Decoder;

namespace Qwen3Tts.Tests.Oracle;

/// <summary>
/// Qwen3TTSTokenizerV2Decoder.forward ported line by line from the official
/// qwen_tts/core/tokenizer_12hz/modeling_qwen3_tts_tokenizer_v2.py: one-shot over the whole utterance,
/// PyTorch's [channels, time] layout, every sum in double, plain loops, nothing shared with the engine.
/// Padding follows the code: causal convs pad (k−1)·d zeros on the left; transposed convs produce the full
/// (L−1)·s + k outputs and drop k − s on the right.
/// </summary>
public sealed class SpeechTokenizerDecoderReference
{
    private readonly DecoderCheckpoint _ckpt;
    private readonly SpeechTokenizerDecoderConfig _c;

    public SpeechTokenizerDecoderReference(DecoderCheckpoint checkpoint)
    {
        _ckpt = checkpoint;
        _c = checkpoint.Config;
    }

    /// <summary>codes: frame-major [frames][16]; returns frames × 1920 samples.</summary>
    public float[] Decode(long[] codes, int frames)
    {
        var x = Dequantise(codes, frames);                                  // [codebook_dim, T]
        x = CausalConv(x, _c.CodebookDim, frames, DecoderTensorNames.PreConv, _c.LatentDim, 3, 1);
        x = Transformer(x, frames);                                          // [latent, T]
        var length = frames;
        for (var stage = 0; stage < _c.UpsamplingRatios.Count; stage++)
        {
            var ratio = _c.UpsamplingRatios[stage];
            x = TransposedConv(x, _c.LatentDim, length, DecoderTensorNames.UpsampleConv(stage), _c.LatentDim, ratio, ratio);
            length *= ratio;
            x = ConvNeXt(x, length, DecoderTensorNames.ConvNeXt(stage));
        }
        var channels = _c.DecoderDim;
        x = CausalConv(x, _c.LatentDim, length, $"{DecoderTensorNames.DecoderModule(0)}.conv", channels, 7, 1);
        for (var block = 0; block < _c.UpsampleRates.Count; block++)
        {
            var rate = _c.UpsampleRates[block];
            var output = _c.BlockOutputChannels(block);
            var prefix = DecoderTensorNames.Block(block);
            x = Snake(x, channels, length, $"{prefix}.0");
            x = TransposedConv(x, channels, length, $"{prefix}.1.conv", output, 2 * rate, rate);
            length *= rate;
            channels = output;
            for (var unit = 0; unit < 3; unit++)
            {
                var u = DecoderTensorNames.ResidualUnit(block, unit);
                var h = Snake(x, channels, length, $"{u}.act1");
                h = CausalConv(h, channels, length, $"{u}.conv1.conv", channels, 7, DecoderTensorNames.ResidualDilations[unit]);
                h = Snake(h, channels, length, $"{u}.act2");
                h = CausalConv(h, channels, length, $"{u}.conv2.conv", channels, 1, 1);
                for (var i = 0; i < x.Length; i++)
                {
                    x[i] = h[i] + x[i];
                }
            }
        }
        x = Snake(x, channels, length, DecoderTensorNames.DecoderModule(_c.UpsampleRates.Count + 1));
        x = CausalConv(x, channels, length, $"{DecoderTensorNames.DecoderModule(_c.UpsampleRates.Count + 2)}.conv", 1, 7, 1);
        var audio = new float[length];
        for (var i = 0; i < length; i++)
        {
            audio[i] = (float)Math.Clamp(x[i], -1.0, 1.0);
        }
        return audio;
    }

    /// <summary>SplitResidualVectorQuantizer.decode: codebook 0 through rvq_first's output_proj, the sum of the rest through rvq_rest's.</summary>
    private double[] Dequantise(long[] codes, int frames)
    {
        var dim = _c.CodebookRowDim;
        var firstSum = new double[dim * frames];
        var restSum = new double[dim * frames];
        for (var book = 0; book < _c.Quantizers; book++)
        {
            var embedding = _ckpt.Read(DecoderTensorNames.Codebook(book, "embedding_sum"));
            var usage = _ckpt.Read(DecoderTensorNames.Codebook(book, "cluster_usage"));
            var target = book == 0 ? firstSum : restSum;
            for (var t = 0; t < frames; t++)
            {
                var code = (int)Math.Max(0, codes[t * _c.Quantizers + book]);
                var divisor = Math.Max(usage[code], 1e-5);
                for (var i = 0; i < dim; i++)
                {
                    target[i * frames + t] += embedding[code * dim + i] / divisor;
                }
            }
        }
        var first = Pointwise(firstSum, dim, frames, _ckpt.Read(DecoderTensorNames.QuantizerProjection(true, "output")), null, _c.CodebookDim);
        var rest = Pointwise(restSum, dim, frames, _ckpt.Read(DecoderTensorNames.QuantizerProjection(false, "output")), null, _c.CodebookDim);
        for (var i = 0; i < first.Length; i++)
        {
            first[i] += rest[i];
        }
        return first;
    }

    private double[] Transformer(double[] channelMajor, int frames)
    {
        var latent = _c.LatentDim;
        var hidden = _c.HiddenSize;
        // inputs_embeds is [T, latent]; every Linear below works on rows.
        var rows = Transpose(channelMajor, latent, frames);
        var x = Linear(rows, frames, latent, DecoderTensorNames.TransformerInput, hidden, bias: true);
        for (var layer = 0; layer < _c.HiddenLayers; layer++)
        {
            var p = DecoderTensorNames.Layer(layer);
            var normed = RmsNorm(x, frames, hidden, $"{p}.input_layernorm.weight");
            var attention = Attention(normed, frames, p);
            var attentionScale = _ckpt.Read($"{p}.self_attn_layer_scale.scale");
            for (var t = 0; t < frames; t++)
            {
                for (var i = 0; i < hidden; i++)
                {
                    x[t * hidden + i] += attentionScale[i] * attention[t * hidden + i];
                }
            }
            normed = RmsNorm(x, frames, hidden, $"{p}.post_attention_layernorm.weight");
            var gate = Linear(normed, frames, hidden, $"{p}.mlp.gate_proj", _c.IntermediateSize, bias: false);
            var up = Linear(normed, frames, hidden, $"{p}.mlp.up_proj", _c.IntermediateSize, bias: false);
            for (var i = 0; i < gate.Length; i++)
            {
                gate[i] = gate[i] / (1 + Math.Exp(-gate[i])) * up[i];
            }
            var down = Linear(gate, frames, _c.IntermediateSize, $"{p}.mlp.down_proj", hidden, bias: false);
            var mlpScale = _ckpt.Read($"{p}.mlp_layer_scale.scale");
            for (var t = 0; t < frames; t++)
            {
                for (var i = 0; i < hidden; i++)
                {
                    x[t * hidden + i] += mlpScale[i] * down[t * hidden + i];
                }
            }
        }
        x = RmsNorm(x, frames, hidden, DecoderTensorNames.TransformerNorm);
        var output = Linear(x, frames, hidden, DecoderTensorNames.TransformerOutput, latent, bias: true);
        return Transpose(output, frames, latent);
    }

    /// <summary>Eager attention with the HF sliding-window causal mask (query i sees keys j with i − window &lt; j ≤ i) and rotate_half RoPE.</summary>
    private double[] Attention(double[] x, int frames, string layer)
    {
        var hidden = _c.HiddenSize;
        var headDim = _c.HeadDim;
        var heads = _c.AttentionHeads;
        var groups = heads / _c.KeyValueHeads;
        var bias = _c.AttentionBias;
        var q = Linear(x, frames, hidden, $"{layer}.self_attn.q_proj", _c.QueryWidth, bias);
        var k = Linear(x, frames, hidden, $"{layer}.self_attn.k_proj", _c.KeyValueWidth, bias);
        var v = Linear(x, frames, hidden, $"{layer}.self_attn.v_proj", _c.KeyValueWidth, bias);
        Rope(q, frames, heads);
        Rope(k, frames, _c.KeyValueHeads);
        var scaling = 1.0 / Math.Sqrt(headDim);
        var output = new double[frames * _c.QueryWidth];
        var scores = new double[frames];
        for (var h = 0; h < heads; h++)
        {
            var kvHead = h / groups;
            for (var i = 0; i < frames; i++)
            {
                var first = Math.Max(0, i - _c.SlidingWindow + 1);
                var max = double.NegativeInfinity;
                for (var j = first; j <= i; j++)
                {
                    double dot = 0;
                    for (var d = 0; d < headDim; d++)
                    {
                        dot += q[i * _c.QueryWidth + h * headDim + d] * k[j * _c.KeyValueWidth + kvHead * headDim + d];
                    }
                    scores[j] = dot * scaling;
                    max = Math.Max(max, scores[j]);
                }
                double total = 0;
                for (var j = first; j <= i; j++)
                {
                    scores[j] = Math.Exp(scores[j] - max);
                    total += scores[j];
                }
                for (var j = first; j <= i; j++)
                {
                    var weight = scores[j] / total;
                    for (var d = 0; d < headDim; d++)
                    {
                        output[i * _c.QueryWidth + h * headDim + d] += weight * v[j * _c.KeyValueWidth + kvHead * headDim + d];
                    }
                }
            }
        }
        return Linear(output, frames, _c.QueryWidth, $"{layer}.self_attn.o_proj", hidden, bias);
    }

    /// <summary>q·cos + rotate_half(q)·sin with inv_freq[i] = θ^(−2i/d), position = frame index.</summary>
    private void Rope(double[] x, int frames, int heads)
    {
        var headDim = _c.HeadDim;
        var half = headDim / 2;
        var width = heads * headDim;
        for (var t = 0; t < frames; t++)
        {
            for (var h = 0; h < heads; h++)
            {
                var b = t * width + h * headDim;
                for (var i = 0; i < half; i++)
                {
                    var angle = t * Math.Pow(_c.RopeTheta, -2.0 * i / headDim);
                    var (sin, cos) = Math.SinCos(angle);
                    var a = x[b + i];
                    var c = x[b + i + half];
                    x[b + i] = a * cos - c * sin;
                    x[b + i + half] = c * cos + a * sin;
                }
            }
        }
    }

    private double[] RmsNorm(double[] x, int rows, int width, string weightName)
    {
        var weight = _ckpt.Read(weightName);
        var result = new double[x.Length];
        for (var r = 0; r < rows; r++)
        {
            double squares = 0;
            for (var i = 0; i < width; i++)
            {
                squares += x[r * width + i] * x[r * width + i];
            }
            var scale = 1.0 / Math.Sqrt(squares / width + _c.RmsNormEps);
            for (var i = 0; i < width; i++)
            {
                result[r * width + i] = weight[i] * (x[r * width + i] * scale);
            }
        }
        return result;
    }

    /// <summary>ConvNeXtBlock: causal depthwise k7 → LayerNorm(eps 1e-6) → Linear ×4 → erf GELU → Linear → ·gamma → + input.</summary>
    private double[] ConvNeXt(double[] x, int length, string prefix)
    {
        var dim = _c.LatentDim;
        var dwWeight = _ckpt.Read($"{prefix}.dwconv.conv.weight");
        var dwBias = _ckpt.Read($"{prefix}.dwconv.conv.bias");
        var rows = new double[length * dim];
        for (var c = 0; c < dim; c++)
        {
            for (var t = 0; t < length; t++)
            {
                double sum = dwBias[c];
                for (var j = 0; j < 7; j++)
                {
                    var source = t - 6 + j;
                    if (source >= 0)
                    {
                        sum += dwWeight[c * 7 + j] * x[c * length + source];
                    }
                }
                rows[t * dim + c] = sum;
            }
        }
        var normWeight = _ckpt.Read($"{prefix}.norm.weight");
        var normBias = _ckpt.Read($"{prefix}.norm.bias");
        for (var t = 0; t < length; t++)
        {
            double mean = 0;
            for (var c = 0; c < dim; c++)
            {
                mean += rows[t * dim + c];
            }
            mean /= dim;
            double variance = 0;
            for (var c = 0; c < dim; c++)
            {
                var d = rows[t * dim + c] - mean;
                variance += d * d;
            }
            variance /= dim;
            var inv = 1.0 / Math.Sqrt(variance + 1e-6);
            for (var c = 0; c < dim; c++)
            {
                rows[t * dim + c] = (rows[t * dim + c] - mean) * inv * normWeight[c] + normBias[c];
            }
        }
        var wide = Linear(rows, length, dim, $"{prefix}.pwconv1", 4 * dim, bias: true);
        for (var i = 0; i < wide.Length; i++)
        {
            wide[i] = 0.5 * wide[i] * (1 + ReferenceMath.Erf(wide[i] / Math.Sqrt(2)));
        }
        var narrow = Linear(wide, length, 4 * dim, $"{prefix}.pwconv2", dim, bias: true);
        var gamma = _ckpt.Read($"{prefix}.gamma");
        var result = new double[x.Length];
        for (var c = 0; c < dim; c++)
        {
            for (var t = 0; t < length; t++)
            {
                result[c * length + t] = x[c * length + t] + gamma[c] * narrow[t * dim + c];
            }
        }
        return result;
    }

    /// <summary>SnakeBeta: x + 1/(e^β + 1e-9) · sin²(x·e^α), per channel.</summary>
    private double[] Snake(double[] x, int channels, int length, string prefix)
    {
        var alpha = _ckpt.Read($"{prefix}.alpha");
        var beta = _ckpt.Read($"{prefix}.beta");
        var result = new double[x.Length];
        for (var c = 0; c < channels; c++)
        {
            var a = Math.Exp(alpha[c]);
            var inverseB = 1.0 / (Math.Exp(beta[c]) + 1e-9);
            for (var t = 0; t < length; t++)
            {
                var v = x[c * length + t];
                var s = Math.Sin(v * a);
                result[c * length + t] = v + inverseB * s * s;
            }
        }
        return result;
    }

    /// <summary>Qwen3TTSTokenizerV2CausalConvNet: (k−1)·d zeros on the left, stride 1, so the length is kept.</summary>
    private double[] CausalConv(double[] x, int inChannels, int length, string prefix, int outChannels, int kernel, int dilation)
    {
        var weight = _ckpt.Read($"{prefix}.weight");                           // [out, in, k]
        var bias = _ckpt.Read($"{prefix}.bias");
        var pad = (kernel - 1) * dilation;
        var result = new double[outChannels * length];
        for (var o = 0; o < outChannels; o++)
        {
            for (var t = 0; t < length; t++)
            {
                double sum = bias[o];
                for (var i = 0; i < inChannels; i++)
                {
                    for (var j = 0; j < kernel; j++)
                    {
                        var source = t - pad + j * dilation;
                        if (source >= 0)
                        {
                            sum += weight[(o * inChannels + i) * kernel + j] * x[i * length + source];
                        }
                    }
                }
                result[o * length + t] = sum;
            }
        }
        return result;
    }

    /// <summary>Qwen3TTSTokenizerV2CausalTransConvNet: nn.ConvTranspose1d (no padding), then the last k − s outputs dropped.</summary>
    private double[] TransposedConv(double[] x, int inChannels, int length, string prefix, int outChannels, int kernel, int stride)
    {
        var weight = _ckpt.Read($"{prefix}.weight");                           // [in, out, k]
        var bias = _ckpt.Read($"{prefix}.bias");
        var full = (length - 1) * stride + kernel;
        var kept = full - (kernel - stride);
        var result = new double[outChannels * kept];
        for (var o = 0; o < outChannels; o++)
        {
            for (var n = 0; n < kept; n++)
            {
                result[o * kept + n] = bias[o];
            }
            for (var i = 0; i < inChannels; i++)
            {
                for (var t = 0; t < length; t++)
                {
                    for (var j = 0; j < kernel; j++)
                    {
                        var n = t * stride + j;
                        if (n < kept)
                        {
                            result[o * kept + n] += x[i * length + t] * weight[(i * outChannels + o) * kernel + j];
                        }
                    }
                }
            }
        }
        return result;
    }

    /// <summary>A k=1 Conv1d without bias on [in, T] data.</summary>
    private static double[] Pointwise(double[] x, int inChannels, int length, float[] weight, float[]? bias, int outChannels)
    {
        var result = new double[outChannels * length];
        for (var o = 0; o < outChannels; o++)
        {
            for (var t = 0; t < length; t++)
            {
                double sum = bias?[o] ?? 0;
                for (var i = 0; i < inChannels; i++)
                {
                    sum += weight[o * inChannels + i] * x[i * length + t];
                }
                result[o * length + t] = sum;
            }
        }
        return result;
    }

    /// <summary>nn.Linear on row-major [rows, in] data.</summary>
    private double[] Linear(double[] x, int rows, int inWidth, string prefix, int outWidth, bool bias)
    {
        var weight = _ckpt.Read($"{prefix}.weight");
        var b = bias ? _ckpt.Read($"{prefix}.bias") : null;
        var result = new double[rows * outWidth];
        for (var r = 0; r < rows; r++)
        {
            for (var o = 0; o < outWidth; o++)
            {
                double sum = b?[o] ?? 0;
                for (var i = 0; i < inWidth; i++)
                {
                    sum += weight[o * inWidth + i] * x[r * inWidth + i];
                }
                result[r * outWidth + o] = sum;
            }
        }
        return result;
    }

    private static double[] Transpose(double[] x, int rows, int columns)
    {
        var result = new double[x.Length];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                result[c * rows + r] = x[r * columns + c];
            }
        }
        return result;
    }
}
