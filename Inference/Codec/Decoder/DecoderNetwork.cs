using Qwen3Tts.Inference.Kernels.Float;

namespace Qwen3Tts.Inference.Codec.Decoder;

/// <summary>
/// The decoder's weights, read once from the checkpoint and repacked for the engine: every convolution and
/// linear layer as a <see cref="PackedConv"/> (q/k/v fused into one, gate/up into one, the two quantizer output
/// projections into one over [codebook 0 | sum of the rest]), codebooks divided by their clamped usage, SnakeBeta's
/// e^α and 1/(e^β + 1e-9) precomputed. Per-channel vectors are padded to the activations' row strides.
/// </summary>
internal sealed class DecoderNetwork
{
    public DecoderNetwork(DecoderCheckpoint checkpoint)
    {
        var c = checkpoint.Config;
        Config = c;
        float[] Read(string name) => checkpoint.Read(name);
        float[] Padded(string name, int width, float fill = 0) => Pad(Read(name), width, fill);

        var rowDim = c.CodebookRowDim;
        Codebooks = new float[c.Quantizers][];
        for (var book = 0; book < c.Quantizers; book++)
        {
            Codebooks[book] = checkpoint.ReadCodebook(book);
        }
        var first = Read(DecoderTensorNames.QuantizerProjection(true, "output"));
        var rest = Read(DecoderTensorNames.QuantizerProjection(false, "output"));
        var joined = new float[c.CodebookDim * 2 * rowDim];
        for (var o = 0; o < c.CodebookDim; o++)
        {
            Array.Copy(first, o * rowDim, joined, o * 2 * rowDim, rowDim);
            Array.Copy(rest, o * rowDim, joined, o * 2 * rowDim + rowDim, rowDim);
        }
        QuantizerProjection = PackedConv.Linear(joined, null, c.CodebookDim, 2 * rowDim);
        PreConv = PackedConv.Conv(Read($"{DecoderTensorNames.PreConv}.weight"), Read($"{DecoderTensorNames.PreConv}.bias"), c.LatentDim, c.CodebookDim, 3);

        InputProjection = PackedConv.Linear(Read($"{DecoderTensorNames.TransformerInput}.weight"), Read($"{DecoderTensorNames.TransformerInput}.bias"), c.HiddenSize, c.LatentDim);
        Layers = new TransformerLayer[c.HiddenLayers];
        var hiddenStride = PackedConv.Stride(c.HiddenSize);
        for (var layer = 0; layer < c.HiddenLayers; layer++)
        {
            var p = DecoderTensorNames.Layer(layer);
            var projections = new[] { "q_proj", "k_proj", "v_proj" };
            var qkv = projections.SelectMany(proj => Read($"{p}.self_attn.{proj}.weight")).ToArray();
            var qkvBias = c.AttentionBias ? projections.SelectMany(proj => Read($"{p}.self_attn.{proj}.bias")).ToArray() : null;
            Layers[layer] = new TransformerLayer(
                Padded($"{p}.input_layernorm.weight", hiddenStride),
                PackedConv.Linear(qkv, qkvBias, c.QueryWidth + 2 * c.KeyValueWidth, c.HiddenSize),
                PackedConv.Linear(Read($"{p}.self_attn.o_proj.weight"), c.AttentionBias ? Read($"{p}.self_attn.o_proj.bias") : null, c.HiddenSize, c.QueryWidth),
                Padded($"{p}.self_attn_layer_scale.scale", hiddenStride),
                Padded($"{p}.post_attention_layernorm.weight", hiddenStride),
                PackedConv.Linear([.. Read($"{p}.mlp.gate_proj.weight"), .. Read($"{p}.mlp.up_proj.weight")], null, 2 * c.IntermediateSize, c.HiddenSize),
                PackedConv.Linear(Read($"{p}.mlp.down_proj.weight"), null, c.HiddenSize, c.IntermediateSize),
                Padded($"{p}.mlp_layer_scale.scale", hiddenStride));
        }
        FinalNorm = Padded(DecoderTensorNames.TransformerNorm, hiddenStride);
        OutputProjection = PackedConv.Linear(Read($"{DecoderTensorNames.TransformerOutput}.weight"), Read($"{DecoderTensorNames.TransformerOutput}.bias"), c.LatentDim, c.HiddenSize);

        var latentStride = PackedConv.Stride(c.LatentDim);
        Upsample = new UpsampleStage[c.UpsamplingRatios.Count];
        for (var stage = 0; stage < Upsample.Length; stage++)
        {
            var ratio = c.UpsamplingRatios[stage];
            var conv = DecoderTensorNames.UpsampleConv(stage);
            var x = DecoderTensorNames.ConvNeXt(stage);
            var dw = Read($"{x}.dwconv.conv.weight");                              // [latent, 1, 7]
            var dwTapMajor = new float[7 * latentStride];
            for (var ch = 0; ch < c.LatentDim; ch++)
            {
                for (var j = 0; j < 7; j++)
                {
                    dwTapMajor[j * latentStride + ch] = dw[ch * 7 + j];
                }
            }
            Upsample[stage] = new UpsampleStage(
                ratio,
                PackedConv.Transposed(Read($"{conv}.weight"), Read($"{conv}.bias"), c.LatentDim, c.LatentDim, ratio, ratio),
                dwTapMajor,
                Padded($"{x}.dwconv.conv.bias", latentStride),
                Read($"{x}.norm.weight"),
                Read($"{x}.norm.bias"),
                PackedConv.Linear(Read($"{x}.pwconv1.weight"), Read($"{x}.pwconv1.bias"), 4 * c.LatentDim, c.LatentDim),
                PackedConv.Linear(Read($"{x}.pwconv2.weight"), Read($"{x}.pwconv2.bias"), c.LatentDim, 4 * c.LatentDim),
                Padded($"{x}.gamma", latentStride));
        }

        var d0 = DecoderTensorNames.DecoderModule(0);
        InputConv = WinogradConv.Conv(Read($"{d0}.conv.weight"), Read($"{d0}.conv.bias"), c.DecoderDim, c.LatentDim, 1);
        Blocks = new DecoderBlock[c.UpsampleRates.Count];
        for (var block = 0; block < Blocks.Length; block++)
        {
            var input = c.DecoderDim >> block;
            var output = c.BlockOutputChannels(block);
            var rate = c.UpsampleRates[block];
            var b = DecoderTensorNames.Block(block);
            var units = new ResidualUnit[3];
            for (var unit = 0; unit < 3; unit++)
            {
                var u = DecoderTensorNames.ResidualUnit(block, unit);
                var dilation = DecoderTensorNames.ResidualDilations[unit];
                units[unit] = new ResidualUnit(
                    Snake(checkpoint, $"{u}.act1", output),
                    WinogradConv.Conv(Read($"{u}.conv1.conv.weight"), Read($"{u}.conv1.conv.bias"), output, output, dilation),
                    Snake(checkpoint, $"{u}.act2", output),
                    PackedConv.Conv(Read($"{u}.conv2.conv.weight"), Read($"{u}.conv2.conv.bias"), output, output, 1));
            }
            Blocks[block] = new DecoderBlock(
                rate,
                input,
                output,
                Snake(checkpoint, $"{b}.0", input),
                PackedConv.Transposed(Read($"{b}.1.conv.weight"), Read($"{b}.1.conv.bias"), input, output, 2 * rate, rate),
                units);
        }
        var last = c.BlockOutputChannels(Blocks.Length - 1);
        OutputSnake = Snake(checkpoint, DecoderTensorNames.DecoderModule(Blocks.Length + 1), last);
        var outputConv = DecoderTensorNames.DecoderModule(Blocks.Length + 2);
        OutputConv = PackedConv.Conv(Read($"{outputConv}.conv.weight"), Read($"{outputConv}.conv.bias"), 1, last, 7);
    }

    public SpeechTokenizerDecoderConfig Config { get; }

    public float[][] Codebooks { get; }

    /// <summary>[rvq_first.output_proj | rvq_rest.output_proj] applied to [codebook 0 row | sum of the other rows].</summary>
    public PackedConv QuantizerProjection { get; }

    public PackedConv PreConv { get; }

    public PackedConv InputProjection { get; }

    public TransformerLayer[] Layers { get; }

    public float[] FinalNorm { get; }

    public PackedConv OutputProjection { get; }

    public UpsampleStage[] Upsample { get; }

    /// <summary>decoder.decoder.0 (k7): Winograd F(2, 7), as the residual units' k7 convs.</summary>
    public WinogradConv InputConv { get; }

    public DecoderBlock[] Blocks { get; }

    public SnakeParameters OutputSnake { get; }

    public PackedConv OutputConv { get; }

    /// <summary>Multiply-adds per frame, counted from the layers (for the benchmark's FLOP rate).</summary>
    public long MultiplyAddsPerFrame()
    {
        var c = Config;
        long total = QuantizerProjection.MultiplyAddsPerRow + PreConv.MultiplyAddsPerRow + InputProjection.MultiplyAddsPerRow + OutputProjection.MultiplyAddsPerRow;
        foreach (var layer in Layers)
        {
            total += layer.Qkv.MultiplyAddsPerRow + layer.Output.MultiplyAddsPerRow + layer.GateUp.MultiplyAddsPerRow + layer.Down.MultiplyAddsPerRow;
            total += 2L * c.SlidingWindow * c.QueryWidth;
        }
        long rows = 1;
        foreach (var stage in Upsample)
        {
            total += rows * stage.Conv.MultiplyAddsPerRow;
            rows *= stage.Ratio;
            total += rows * (stage.Expand.MultiplyAddsPerRow + stage.Contract.MultiplyAddsPerRow + 7L * c.LatentDim);
        }
        total += rows * InputConv.MultiplyAddsPerRow;
        foreach (var block in Blocks)
        {
            total += rows * block.Conv.MultiplyAddsPerRow;
            rows *= block.Rate;
            total += rows * block.Units.Sum(u => u.Dilated.MultiplyAddsPerRow + u.Pointwise.MultiplyAddsPerRow);
        }
        return total + rows * 7L * OutputConv.InChannels;
    }

    private static SnakeParameters Snake(DecoderCheckpoint checkpoint, string prefix, int channels)
    {
        var alpha = checkpoint.Read($"{prefix}.alpha");
        var beta = checkpoint.Read($"{prefix}.beta");
        var stride = PackedConv.Stride(channels);
        var a = new float[stride];
        var inverse = new float[stride];
        for (var ch = 0; ch < channels; ch++)
        {
            a[ch] = MathF.Exp(alpha[ch]);
            inverse[ch] = 1f / (MathF.Exp(beta[ch]) + 1e-9f);
        }
        return new SnakeParameters(a, inverse);
    }

    private static float[] Pad(float[] values, int width, float fill)
    {
        if (values.Length == width)
        {
            return values;
        }
        var padded = new float[width];
        padded.AsSpan().Fill(fill);
        values.CopyTo(padded, 0);
        return padded;
    }
}

internal sealed record SnakeParameters(float[] Alpha, float[] InverseBeta);

internal sealed record TransformerLayer(
    float[] AttentionNorm, PackedConv Qkv, PackedConv Output, float[] AttentionScale,
    float[] MlpNorm, PackedConv GateUp, PackedConv Down, float[] MlpScale);

internal sealed record UpsampleStage(
    int Ratio, PackedConv Conv, float[] DepthwiseTapMajor, float[] DepthwiseBias, float[] NormWeight, float[] NormBias,
    PackedConv Expand, PackedConv Contract, float[] Gamma);

internal sealed record ResidualUnit(SnakeParameters First, WinogradConv Dilated, SnakeParameters Second, PackedConv Pointwise);

internal sealed record DecoderBlock(int Rate, int InChannels, int OutChannels, SnakeParameters Snake, PackedConv Conv, ResidualUnit[] Units);
