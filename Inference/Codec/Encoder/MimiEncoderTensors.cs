namespace Qwen3Tts.Inference.Codec.Encoder;

/// <summary>One SEANet conv: its tensor prefix (…<c>.conv</c>) and geometry.</summary>
public sealed record SeanetConv(string Prefix, int InChannels, int OutChannels, int Kernel, int Stride, int Dilation);

/// <summary>One SEANet stage: residual blocks at the stage's width, then the strided conv that doubles it.</summary>
public sealed record SeanetStage(IReadOnlyList<(SeanetConv Expand, SeanetConv Project)> ResidualBlocks, SeanetConv Downsample);

/// <summary>
/// The encoder's tensor names in <c>speech_tokenizer/model.safetensors</c>, as the state dict of Qwen's
/// <c>Qwen3TTSTokenizerV2Encoder(MimiModel)</c> names them under the <c>encoder.</c> attribute of
/// <c>Qwen3TTSTokenizerV2Model</c>: <c>encoder.encoder.layers.N</c> is MimiEncoder's ModuleList (ELUs take
/// indices too, so the convs sit at 0, then per stage residual blocks, ELU, conv), each MimiConv1d wraps an
/// nn.Conv1d named <c>conv</c>, a MimiResnetBlock's convs are <c>block.1</c> and <c>block.3</c> (ELUs at 0
/// and 2); <c>encoder.encoder_transformer.layers.N</c> are MimiTransformerLayers; the quantizer's codebooks are
/// MimiEuclideanCodebook buffers (<c>embed_sum</c>, <c>cluster_usage</c>, <c>initialized</c>), and its
/// 1x1 projections are bare nn.Conv1d without bias.
/// </summary>
public static class MimiEncoderTensors
{
    private const string Seanet = "encoder.encoder.layers";
    private const string Transformer = "encoder.encoder_transformer.layers";

    public const string DownsampleWeight = "encoder.downsample.conv.weight";

    public static SeanetConv FirstConv(MimiEncoderConfig c) => new($"{Seanet}.0.conv", c.AudioChannels, c.Filters, c.KernelSize, 1, 1);

    public static IReadOnlyList<SeanetStage> Stages(MimiEncoderConfig c)
    {
        var stages = new List<SeanetStage>();
        var index = 1;
        var width = c.Filters;
        foreach (var ratio in c.EncoderRatios)
        {
            var blocks = new List<(SeanetConv, SeanetConv)>();
            var hidden = width / c.Compress;
            for (var j = 0; j < c.ResidualLayers; j++)
            {
                var dilation = checked((int)Math.Pow(c.DilationGrowthRate, j));
                blocks.Add((
                    new SeanetConv($"{Seanet}.{index}.block.1.conv", width, hidden, c.ResidualKernelSize, 1, dilation),
                    new SeanetConv($"{Seanet}.{index}.block.3.conv", hidden, width, 1, 1, 1)));
                index++;
            }
            index++; // the ELU before the downsampling conv
            stages.Add(new SeanetStage(blocks, new SeanetConv($"{Seanet}.{index}.conv", width, width * 2, ratio * 2, ratio, 1)));
            index++;
            width *= 2;
        }
        return stages;
    }

    public static SeanetConv LastConv(MimiEncoderConfig c)
    {
        var index = 1 + c.EncoderRatios.Count * (c.ResidualLayers + 2) + 1; // after the final ELU
        return new SeanetConv($"{Seanet}.{index}.conv", c.Filters << c.EncoderRatios.Count, c.HiddenSize, c.LastKernelSize, 1, 1);
    }

    public static string Layer(int layer, string tensor) => $"{Transformer}.{layer}.{tensor}";

    public static string Quantizer(bool semantic) =>
        $"encoder.quantizer.{(semantic ? "semantic" : "acoustic")}_residual_vector_quantizer";

    public static string Codebook(bool semantic, int layer, string buffer) => $"{Quantizer(semantic)}.layers.{layer}.codebook.{buffer}";

    /// <summary>Whether the quantizers carry 1x1 input/output projections (MimiResidualVectorQuantizer adds them when the widths differ).</summary>
    public static bool HasProjections(MimiEncoderConfig c) => c.VectorQuantizationHiddenDimension != c.HiddenSize;

    /// <summary>Every encoder tensor with its PyTorch shape, in module order.</summary>
    public static IEnumerable<(string Name, long[] Shape)> All(MimiEncoderConfig c)
    {
        IEnumerable<(string, long[])> Conv(SeanetConv conv)
        {
            yield return ($"{conv.Prefix}.weight", [conv.OutChannels, conv.InChannels, conv.Kernel]);
            yield return ($"{conv.Prefix}.bias", [conv.OutChannels]);
        }

        foreach (var t in Conv(FirstConv(c)))
        {
            yield return t;
        }
        foreach (var stage in Stages(c))
        {
            foreach (var (expand, project) in stage.ResidualBlocks)
            {
                foreach (var t in Conv(expand).Concat(Conv(project)))
                {
                    yield return t;
                }
            }
            foreach (var t in Conv(stage.Downsample))
            {
                yield return t;
            }
        }
        foreach (var t in Conv(LastConv(c)))
        {
            yield return t;
        }

        long h = c.HiddenSize, q = c.AttentionHeads * c.HeadDim, kv = c.KeyValueHeads * c.HeadDim;
        for (var i = 0; i < c.TransformerLayers; i++)
        {
            yield return (Layer(i, "input_layernorm.weight"), [h]);
            yield return (Layer(i, "input_layernorm.bias"), [h]);
            foreach (var (proj, rows, cols) in new[] { ("q_proj", q, h), ("k_proj", kv, h), ("v_proj", kv, h), ("o_proj", h, q) })
            {
                yield return (Layer(i, $"self_attn.{proj}.weight"), [rows, cols]);
                if (c.AttentionBias)
                {
                    yield return (Layer(i, $"self_attn.{proj}.bias"), [rows]);
                }
            }
            yield return (Layer(i, "self_attn_layer_scale.scale"), [h]);
            yield return (Layer(i, "post_attention_layernorm.weight"), [h]);
            yield return (Layer(i, "post_attention_layernorm.bias"), [h]);
            yield return (Layer(i, "mlp.fc1.weight"), [c.IntermediateSize, h]);
            yield return (Layer(i, "mlp.fc2.weight"), [h, c.IntermediateSize]);
            yield return (Layer(i, "mlp_layer_scale.scale"), [h]);
        }
        if (c.HasDownsample)
        {
            yield return (DownsampleWeight, [h, h, c.DownsampleKernel]);
        }

        foreach (var (semantic, count) in new[] { (true, c.SemanticQuantizers), (false, c.AcousticQuantizers) })
        {
            if (HasProjections(c))
            {
                yield return ($"{Quantizer(semantic)}.input_proj.weight", [c.VectorQuantizationHiddenDimension, h, 1]);
                yield return ($"{Quantizer(semantic)}.output_proj.weight", [h, c.VectorQuantizationHiddenDimension, 1]);
            }
            for (var l = 0; l < count; l++)
            {
                yield return (Codebook(semantic, l, "embed_sum"), [c.CodebookSize, c.CodebookDim]);
                yield return (Codebook(semantic, l, "cluster_usage"), [c.CodebookSize]);
                yield return (Codebook(semantic, l, "initialized"), [1]);
            }
        }
    }
}
