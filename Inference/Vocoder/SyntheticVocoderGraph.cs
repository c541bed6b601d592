using Qwen3Tts.Inference.Onnx;

namespace Qwen3Tts.Inference.Vocoder;

/// <summary>
/// Builds the codec-decoder graph of qwen3-tts-model.md §4.3 with seeded random weights:
/// RVQ dequantisation → causal pre-conv → causal sliding-window transformer → 2× (ConvTranspose + ConvNeXt)
/// → BigVGAN-like SnakeBeta stack → clamp. Every layer is causal, so output sample t depends only on
/// frames ≤ t / 1920. Activations are [1, C, T] around convolutions and [1, T, C] around matmuls.
/// The transformer part lives in SyntheticVocoderGraph.Transformer.cs.
/// </summary>
internal sealed partial class SyntheticVocoderGraph
{
    public const string InputName = "audio_codes";
    public const string OutputName = "audio";

    private readonly OnnxGraphBuilder _g;
    private readonly SyntheticVocoderConfig _cfg;
    private readonly SyntheticWeights _weights;
    private readonly int _frames;

    /// <summary>Gain of the last conv, chosen so random codes give audio at about −19 to −17 dBFS rms (Tiny and Full06B).</summary>
    private const float OutputGain = 0.06f;

    private SyntheticVocoderGraph(SyntheticVocoderConfig config, int seed, int windowFrames)
    {
        _cfg = config;
        _frames = windowFrames;
        _weights = new SyntheticWeights(seed);
        _g = new OnnxGraphBuilder("qwen3_tts_tokenizer_12hz_decoder_synthetic");
    }

    public static OnnxGraphBuilder Build(SyntheticVocoderConfig config, int seed, int windowFrames)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentOutOfRangeException.ThrowIfLessThan(windowFrames, 1);
        if (config.TotalUpsampling != SyntheticVocoderConfig.SamplesPerFrame)
        {
            throw new ArgumentException($"upsampling factors multiply to {config.TotalUpsampling}, expected {SyntheticVocoderConfig.SamplesPerFrame}");
        }
        if (config.DecoderDim % (1 << config.UpsampleRates.Length) != 0)
        {
            throw new ArgumentException($"decoder_dim {config.DecoderDim} must halve {config.UpsampleRates.Length} times");
        }
        var graph = new SyntheticVocoderGraph(config, seed, windowFrames);
        graph.BuildAll();
        return graph._g;
    }

    private void BuildAll()
    {
        var codes = _g.Input(InputName, OnnxDataType.Int64, 1, _frames, SyntheticVocoderConfig.CodebookCount);
        var x = Dequantise(codes);                                             // [1, T, codebook_dim]
        x = _g.Transpose(x, 0, 2, 1);
        x = CausalConv("pre_conv", x, _cfg.CodebookDim, _cfg.LatentDim, kernel: 3);
        x = _g.Transpose(x, 0, 2, 1);
        x = Transformer(x);                                                    // [1, T, latent]
        x = _g.Transpose(x, 0, 2, 1);
        var length = (long)_frames;
        for (var i = 0; i < _cfg.UpsamplingRatios.Length; i++)
        {
            var ratio = _cfg.UpsamplingRatios[i];
            x = CausalConvTranspose($"upsample.{i}", x, _cfg.LatentDim, _cfg.LatentDim, ratio, length);
            length *= ratio;
            x = ConvNeXt($"upsample.{i}.convnext", x, _cfg.LatentDim);
        }
        VocoderStack(x, length);
        _g.Output(OutputName, OnnxDataType.Float, 1, 1, (long)_frames * SyntheticVocoderConfig.SamplesPerFrame);
    }

    /// <summary>Codebook 0 and the sum of codebooks 1–15 each go through their own 1×1 projection, then add.</summary>
    private string Dequantise(string codes)
    {
        const int books = SyntheticVocoderConfig.CodebookCount;
        const int rows = SyntheticVocoderConfig.CodebookSize;
        var rowDim = _cfg.CodebookRowDim;

        // The real decoder clamps negative padding codes to 0; one table with per-codebook row offsets
        // turns 16 lookups into one Gather.
        var clamped = _g.Max(codes, _g.ConstInt64(0));
        var offsets = Enumerable.Range(0, books).Select(k => (long)k * rows).ToArray();
        var indices = _g.Add(clamped, _g.ConstInt64(offsets));
        var table = Weight("quantizer.codebooks", _weights.Uniform((long)books * rows * rowDim, MathF.Sqrt(3f)), books * rows, rowDim);
        var vectors = _g.Gather(table, indices);                               // [1, T, 16, rowDim]

        var first = _g.Reshape(_g.Slice(vectors, [0], [1], [2]), 1, _frames, rowDim);
        var rest = _g.ReduceSum(_g.Slice(vectors, [1], [books], [2]), [2], keepDims: false);
        var firstProj = Weight("quantizer.rvq_first.output_proj", _weights.FanIn((long)rowDim * _cfg.CodebookDim, rowDim), rowDim, _cfg.CodebookDim);
        var restProj = Weight("quantizer.rvq_rest.output_proj", _weights.FanIn((long)rowDim * _cfg.CodebookDim, rowDim * (books - 1)), rowDim, _cfg.CodebookDim);
        return _g.Add(_g.MatMul(first, firstProj), _g.MatMul(rest, restProj));
    }

    /// <summary>
    /// Transposed conv (no padding, output (L−1)·stride + kernel) trimmed on the right to exactly L·stride,
    /// which keeps it causal. With kernel == stride there is nothing to trim.
    /// </summary>
    private string CausalConvTranspose(string name, string x, int inChannels, int outChannels, int stride, long length, int? kernelOverride = null)
    {
        var kernel = kernelOverride ?? stride;
        var weight = Weight($"{name}.weight", _weights.FanIn((long)inChannels * outChannels * kernel, (long)inChannels * kernel / stride), inChannels, outChannels, kernel);
        var bias = Weight($"{name}.bias", _weights.Uniform(outChannels, 0.01f), outChannels);
        var y = _g.ConvTranspose1d(x, weight, bias, kernel, stride);
        return kernel == stride ? y : _g.Slice(y, [0], [length * stride], [2]);
    }

    private string ConvNeXt(string name, string x, int channels)
    {
        var dwWeight = Weight($"{name}.dwconv.weight", _weights.FanIn((long)channels * 7, 7), channels, 1, 7);
        var dwBias = Weight($"{name}.dwconv.bias", _weights.Uniform(channels, 0.01f), channels);
        var y = _g.Conv1d(x, dwWeight, dwBias, kernel: 7, group: channels, padLeft: 6);
        y = _g.Transpose(y, 0, 2, 1);
        y = _g.LayerNormalization(y, Ones($"{name}.norm.weight", channels), Zeros($"{name}.norm.bias", channels), axis: -1, epsilon: 1e-6f);
        y = Linear($"{name}.pwconv1", y, channels, 4 * channels);
        y = Gelu(y);
        y = Linear($"{name}.pwconv2", y, 4 * channels, channels);
        y = _g.Mul(y, Filled($"{name}.gamma", channels, 0.5f));
        y = _g.Transpose(y, 0, 2, 1);
        return _g.Add(x, y);
    }

    /// <summary>The BigVGAN-like stack; its final Clip writes the graph output.</summary>
    private void VocoderStack(string x, long length)
    {
        var channels = _cfg.DecoderDim;
        x = CausalConv("decoder.conv_in", x, _cfg.LatentDim, channels, kernel: 7);
        for (var i = 0; i < _cfg.UpsampleRates.Length; i++)
        {
            var rate = _cfg.UpsampleRates[i];
            var outChannels = channels / 2;
            var block = $"decoder.block.{i}";
            x = SnakeBeta($"{block}.snake", x, channels);
            x = CausalConvTranspose($"{block}.upsample", x, channels, outChannels, rate, length, kernelOverride: 2 * rate);
            length *= rate;
            foreach (var dilation in (int[])[1, 3, 9])
            {
                x = ResidualUnit($"{block}.res_d{dilation}", x, outChannels, dilation);
            }
            channels = outChannels;
        }
        x = SnakeBeta("decoder.snake_out", x, channels);
        x = OutputConv("decoder.conv_out", x, channels, kernel: 7);
        _g.Node("Clip", [x, _g.ScalarFloat(-1f), _g.ScalarFloat(1f)], [OutputName]);
    }

    private string ResidualUnit(string name, string x, int channels, int dilation)
    {
        var y = SnakeBeta($"{name}.snake1", x, channels);
        y = CausalConv($"{name}.conv1", y, channels, channels, kernel: 7, dilation: dilation);
        y = SnakeBeta($"{name}.snake2", y, channels);
        // A small gain on the residual branch keeps 12 stacked units from growing the signal by 2^12.
        y = CausalConv($"{name}.conv2", y, channels, channels, kernel: 1, gain: 0.3f);
        return _g.Add(x, y);
    }

    /// <summary>
    /// SnakeBeta x + sin²(x·e^α) / (e^β + 1e-9). α and β are per-channel constants, so e^α and
    /// 1/(e^β + 1e-9) are folded into the initializers (the real export computes them in-graph; same cost class).
    /// </summary>
    private string SnakeBeta(string name, string x, int channels)
    {
        var a = _weights.UniformValues(channels, 0.5f);
        var b = _weights.UniformValues(channels, 0.5f);
        var expAlpha = new float[channels];
        var invBeta = new float[channels];
        for (var c = 0; c < channels; c++)
        {
            expAlpha[c] = MathF.Exp(a[c]);
            invBeta[c] = 1f / (MathF.Exp(b[c]) + 1e-9f);
        }
        var ea = _g.Initializer($"{name}.exp_alpha", expAlpha, channels, 1);
        var ib = _g.Initializer($"{name}.inv_exp_beta", invBeta, channels, 1);
        var s = _g.Sin(_g.Mul(x, ea));
        return _g.Add(x, _g.Mul(_g.Mul(s, s), ib));
    }

    /// <summary>
    /// The final conv to one channel. SnakeBeta's sin² term is non-negative, so random weights would leave a
    /// large DC offset; making each input channel's taps sum to zero gives the synthetic audio none.
    /// </summary>
    private string OutputConv(string name, string x, int inChannels, int kernel)
    {
        var weights = _weights.UniformValues(inChannels * kernel, OutputGain * MathF.Sqrt(3f / (inChannels * kernel)));
        for (var c = 0; c < inChannels; c++)
        {
            var taps = weights.AsSpan(c * kernel, kernel);
            var mean = 0f;
            foreach (var w in taps)
            {
                mean += w / kernel;
            }
            for (var i = 0; i < kernel; i++)
            {
                taps[i] -= mean;
            }
        }
        var weight = _g.Initializer($"{name}.weight", weights, 1, inChannels, kernel);
        return _g.Conv1d(x, weight, bias: null, kernel, padLeft: kernel - 1);
    }

    private string CausalConv(string name, string x, int inChannels, int outChannels, int kernel, int dilation = 1, float gain = 1f)
    {
        var fanIn = (long)inChannels * kernel;
        var weight = Weight($"{name}.weight", _weights.FanIn(fanIn * outChannels, fanIn, gain), outChannels, inChannels, kernel);
        var bias = Weight($"{name}.bias", _weights.Uniform(outChannels, 0.01f), outChannels);
        return _g.Conv1d(x, weight, bias, kernel, dilation, padLeft: (long)(kernel - 1) * dilation);
    }

    private string Linear(string name, string x, int inFeatures, int outFeatures, bool bias = true, float gain = 1f)
    {
        var weight = Weight($"{name}.weight", _weights.FanIn((long)inFeatures * outFeatures, inFeatures, gain), inFeatures, outFeatures);
        var y = _g.MatMul(x, weight);
        return bias ? _g.Add(y, Weight($"{name}.bias", _weights.Uniform(outFeatures, 0.01f), outFeatures)) : y;
    }

    private string Gelu(string x)
    {
        var erf = _g.Erf(_g.Mul(x, _g.ScalarFloat(1f / MathF.Sqrt(2f))));
        return _g.Mul(_g.Mul(x, _g.ScalarFloat(0.5f)), _g.Add(erf, _g.ScalarFloat(1f)));
    }

    private string Weight(string name, OnnxTensorData data, params long[] dims) => _g.Initializer(name, data, dims);

    private string Ones(string name, int n) => Filled(name, n, 1f);

    private string Zeros(string name, int n) => Filled(name, n, 0f);

    private string Filled(string name, int n, float value)
    {
        var values = new float[n];
        Array.Fill(values, value);
        return _g.Initializer(name, values, n);
    }
}
