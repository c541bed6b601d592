namespace Qwen3Tts.Inference.SpeechTokenizer;

/// <summary>
/// Dimensions of the Mimi encoder in `speech_tokenizer/model.safetensors` (qwen3-tts-model.md §4.2):
/// SEANet convs with encoder ratios 4,5,6,8, a causal transformer, a stride-2 downsample and a split
/// RVQ (1 semantic + N acoustic codebooks of 2048 entries).
/// </summary>
public sealed record MimiEncoderShape(
    int Filters,
    int HiddenSize,
    int TransformerLayers,
    int FeedForwardSize,
    int CodebookDim,
    int AcousticCodebooks)
{
    public const int CodebookSize = 2048;

    /// <summary>SEANet downsampling ratios in encoder order (config ratios [8,6,5,4] reversed).</summary>
    public static IReadOnlyList<int> Ratios { get; } = [4, 5, 6, 8];

    public static MimiEncoderShape Full { get; } = new(64, 512, 8, 2048, 256, 31);

    public static MimiEncoderShape Tiny { get; } = new(2, 16, 1, 32, 8, 15);

    /// <summary>Every tensor name with its PyTorch shape, in file order.</summary>
    public IEnumerable<(string Name, long[] Shape)> Tensors()
    {
        const string seanet = "encoder.encoder.layers";
        long f = Filters;
        yield return ($"{seanet}.0.conv.weight", [f, 1, 7]);
        yield return ($"{seanet}.0.conv.bias", [f]);
        var channels = f;
        for (var s = 0; s < Ratios.Count; s++)
        {
            var res = 1 + 3 * s;
            var down = 3 + 3 * s;
            yield return ($"{seanet}.{res}.block.1.conv.weight", [channels / 2, channels, 3]);
            yield return ($"{seanet}.{res}.block.1.conv.bias", [channels / 2]);
            yield return ($"{seanet}.{res}.block.3.conv.weight", [channels, channels / 2, 1]);
            yield return ($"{seanet}.{res}.block.3.conv.bias", [channels]);
            yield return ($"{seanet}.{down}.conv.weight", [channels * 2, channels, 2 * Ratios[s]]);
            yield return ($"{seanet}.{down}.conv.bias", [channels * 2]);
            channels *= 2;
        }
        yield return ($"{seanet}.14.conv.weight", [HiddenSize, channels, 3]);
        yield return ($"{seanet}.14.conv.bias", [HiddenSize]);

        for (var i = 0; i < TransformerLayers; i++)
        {
            var p = $"encoder.encoder_transformer.layers.{i}";
            yield return ($"{p}.input_layernorm.weight", [HiddenSize]);
            yield return ($"{p}.input_layernorm.bias", [HiddenSize]);
            foreach (var proj in (string[])["q_proj", "k_proj", "v_proj", "o_proj"])
            {
                yield return ($"{p}.self_attn.{proj}.weight", [HiddenSize, HiddenSize]);
            }
            yield return ($"{p}.self_attn_layer_scale.scale", [HiddenSize]);
            yield return ($"{p}.post_attention_layernorm.weight", [HiddenSize]);
            yield return ($"{p}.post_attention_layernorm.bias", [HiddenSize]);
            yield return ($"{p}.mlp.fc1.weight", [FeedForwardSize, HiddenSize]);
            yield return ($"{p}.mlp.fc2.weight", [HiddenSize, FeedForwardSize]);
            yield return ($"{p}.mlp_layer_scale.scale", [HiddenSize]);
        }
        yield return ("encoder.downsample.conv.weight", [HiddenSize, HiddenSize, 4]);

        foreach (var (rvq, count) in new[] { ("semantic", 1), ("acoustic", AcousticCodebooks) })
        {
            var q = $"encoder.quantizer.{rvq}_residual_vector_quantizer";
            yield return ($"{q}.input_proj.weight", [CodebookDim, HiddenSize, 1]);
            yield return ($"{q}.output_proj.weight", [HiddenSize, CodebookDim, 1]);
            for (var l = 0; l < count; l++)
            {
                yield return ($"{q}.layers.{l}.codebook.embed_sum", [CodebookSize, CodebookDim]);
                yield return ($"{q}.layers.{l}.codebook.cluster_usage", [CodebookSize]);
                yield return ($"{q}.layers.{l}.codebook.initialized", [1]);
            }
        }
    }
}
