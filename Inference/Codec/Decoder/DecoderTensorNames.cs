namespace Qwen3Tts.Inference.Codec.Decoder;

/// <summary>
/// The decoder's tensors in <c>speech_tokenizer/model.safetensors</c>, named as PyTorch's state dict names the
/// module tree of Qwen3TTSTokenizerV2Decoder under the model's <c>decoder</c> attribute (derivation in README.md).
/// Shapes are PyTorch's: Linear [out, in], Conv1d [out, in / groups, k], ConvTranspose1d [in, out, k].
/// The published file has 271 of these next to the encoder's 225 (496 in all, every one F32).
/// </summary>
public static class DecoderTensorNames
{
    public const string Prefix = "decoder.";

    public static string Codebook(int book, string part) => book == 0
        ? $"decoder.quantizer.rvq_first.vq.layers.0._codebook.{part}"
        : $"decoder.quantizer.rvq_rest.vq.layers.{book - 1}._codebook.{part}";

    public static string QuantizerProjection(bool first, string which) =>
        $"decoder.quantizer.{(first ? "rvq_first" : "rvq_rest")}.{which}_proj.weight";

    public const string PreConv = "decoder.pre_conv.conv";

    public static string Layer(int layer) => $"decoder.pre_transformer.layers.{layer}";

    public const string TransformerInput = "decoder.pre_transformer.input_proj";
    public const string TransformerOutput = "decoder.pre_transformer.output_proj";
    public const string TransformerNorm = "decoder.pre_transformer.norm.weight";

    public static string UpsampleConv(int stage) => $"decoder.upsample.{stage}.0.conv";

    public static string ConvNeXt(int stage) => $"decoder.upsample.{stage}.1";

    /// <summary>decoder.decoder.0 is the input conv, 1..N the blocks, N+1 the last SnakeBeta, N+2 the output conv.</summary>
    public static string DecoderModule(int index) => $"decoder.decoder.{index}";

    public static string Block(int block) => $"decoder.decoder.{block + 1}.block";

    /// <summary>Residual unit <paramref name="unit"/> (0..2, dilations 1, 3, 9) of a block.</summary>
    public static string ResidualUnit(int block, int unit) => $"{Block(block)}.{unit + 2}";

    /// <summary>Every decoder tensor with its shape, in module order.</summary>
    public static IEnumerable<(string Name, long[] Shape)> All(SpeechTokenizerDecoderConfig c)
    {
        long rowDim = c.CodebookRowDim;
        foreach (var first in new[] { true, false })
        {
            yield return (QuantizerProjection(first, "input"), [rowDim, c.CodebookDim, 1]);
            yield return (QuantizerProjection(first, "output"), [c.CodebookDim, rowDim, 1]);
            var (from, to) = first ? (0, c.SemanticQuantizers) : (c.SemanticQuantizers, c.Quantizers);
            for (var book = from; book < to; book++)
            {
                yield return (Codebook(book, "cluster_usage"), [c.CodebookSize]);
                yield return (Codebook(book, "embedding_sum"), [c.CodebookSize, rowDim]);
            }
        }
        yield return ($"{PreConv}.weight", [c.LatentDim, c.CodebookDim, 3]);
        yield return ($"{PreConv}.bias", [c.LatentDim]);

        yield return ($"{TransformerInput}.weight", [c.HiddenSize, c.LatentDim]);
        yield return ($"{TransformerInput}.bias", [c.HiddenSize]);
        for (var layer = 0; layer < c.HiddenLayers; layer++)
        {
            var p = Layer(layer);
            yield return ($"{p}.input_layernorm.weight", [c.HiddenSize]);
            foreach (var (proj, rows) in new[] { ("q_proj", c.QueryWidth), ("k_proj", c.KeyValueWidth), ("v_proj", c.KeyValueWidth) })
            {
                yield return ($"{p}.self_attn.{proj}.weight", [rows, c.HiddenSize]);
                if (c.AttentionBias)
                {
                    yield return ($"{p}.self_attn.{proj}.bias", [rows]);
                }
            }
            yield return ($"{p}.self_attn.o_proj.weight", [c.HiddenSize, c.QueryWidth]);
            if (c.AttentionBias)
            {
                yield return ($"{p}.self_attn.o_proj.bias", [c.HiddenSize]);
            }
            yield return ($"{p}.self_attn_layer_scale.scale", [c.HiddenSize]);
            yield return ($"{p}.post_attention_layernorm.weight", [c.HiddenSize]);
            yield return ($"{p}.mlp.gate_proj.weight", [c.IntermediateSize, c.HiddenSize]);
            yield return ($"{p}.mlp.up_proj.weight", [c.IntermediateSize, c.HiddenSize]);
            yield return ($"{p}.mlp.down_proj.weight", [c.HiddenSize, c.IntermediateSize]);
            yield return ($"{p}.mlp_layer_scale.scale", [c.HiddenSize]);
        }
        yield return (TransformerNorm, [c.HiddenSize]);
        yield return ($"{TransformerOutput}.weight", [c.LatentDim, c.HiddenSize]);
        yield return ($"{TransformerOutput}.bias", [c.LatentDim]);

        for (var stage = 0; stage < c.UpsamplingRatios.Count; stage++)
        {
            long latent = c.LatentDim;
            var ratio = c.UpsamplingRatios[stage];
            yield return ($"{UpsampleConv(stage)}.weight", [latent, latent, ratio]);
            yield return ($"{UpsampleConv(stage)}.bias", [latent]);
            var x = ConvNeXt(stage);
            yield return ($"{x}.dwconv.conv.weight", [latent, 1, 7]);
            yield return ($"{x}.dwconv.conv.bias", [latent]);
            yield return ($"{x}.norm.weight", [latent]);
            yield return ($"{x}.norm.bias", [latent]);
            yield return ($"{x}.pwconv1.weight", [4 * latent, latent]);
            yield return ($"{x}.pwconv1.bias", [4 * latent]);
            yield return ($"{x}.pwconv2.weight", [latent, 4 * latent]);
            yield return ($"{x}.pwconv2.bias", [latent]);
            yield return ($"{x}.gamma", [latent]);
        }

        yield return ($"{DecoderModule(0)}.conv.weight", [c.DecoderDim, c.LatentDim, 7]);
        yield return ($"{DecoderModule(0)}.conv.bias", [c.DecoderDim]);
        for (var block = 0; block < c.UpsampleRates.Count; block++)
        {
            long input = c.DecoderDim >> block;
            long output = c.BlockOutputChannels(block);
            var rate = c.UpsampleRates[block];
            var b = Block(block);
            yield return ($"{b}.0.alpha", [input]);
            yield return ($"{b}.0.beta", [input]);
            yield return ($"{b}.1.conv.weight", [input, output, 2 * rate]);
            yield return ($"{b}.1.conv.bias", [output]);
            for (var unit = 0; unit < 3; unit++)
            {
                var u = ResidualUnit(block, unit);
                yield return ($"{u}.act1.alpha", [output]);
                yield return ($"{u}.act1.beta", [output]);
                yield return ($"{u}.conv1.conv.weight", [output, output, 7]);
                yield return ($"{u}.conv1.conv.bias", [output]);
                yield return ($"{u}.act2.alpha", [output]);
                yield return ($"{u}.act2.beta", [output]);
                yield return ($"{u}.conv2.conv.weight", [output, output, 1]);
                yield return ($"{u}.conv2.conv.bias", [output]);
            }
        }
        long last = c.BlockOutputChannels(c.UpsampleRates.Count - 1);
        var snake = DecoderModule(c.UpsampleRates.Count + 1);
        yield return ($"{snake}.alpha", [last]);
        yield return ($"{snake}.beta", [last]);
        var output0 = DecoderModule(c.UpsampleRates.Count + 2);
        yield return ($"{output0}.conv.weight", [1, last, 7]);
        yield return ($"{output0}.conv.bias", [1]);
    }

    /// <summary>Dilations of the three residual units of every decoder block.</summary>
    public static IReadOnlyList<int> ResidualDilations { get; } = [1, 3, 9];
}
