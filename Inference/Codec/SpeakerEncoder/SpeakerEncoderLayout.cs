namespace Qwen3Tts.Inference.Codec.SpeakerEncoder;

/// <summary>
/// Every `speaker_encoder.*` tensor of a Base checkpoint's model.safetensors, named after the official
/// module tree (blocks.0 TDNN; blocks.1.. SE-Res2Net with tdnn1, res2net_block.blocks.j, tdnn2, se_block;
/// mfa; asp.tdnn and asp.conv; fc) with PyTorch Conv1d shapes [out, in, kernel]. 76 tensors at the
/// published depth.
/// </summary>
public static class SpeakerEncoderLayout
{
    public const string Prefix = "speaker_encoder.";

    /// <summary>A tensor only the speaker encoder has: its presence marks a set that can extract x-vectors.</summary>
    public const string MarkerTensor = Prefix + "fc.weight";

    public static string Block0 => Prefix + "blocks.0.conv";

    public static string Tdnn1(int block) => $"{Prefix}blocks.{block}.tdnn1.conv";

    public static string Res2Net(int block, int part) => $"{Prefix}blocks.{block}.res2net_block.blocks.{part}.conv";

    public static string Tdnn2(int block) => $"{Prefix}blocks.{block}.tdnn2.conv";

    public static string SeConv1(int block) => $"{Prefix}blocks.{block}.se_block.conv1";

    public static string SeConv2(int block) => $"{Prefix}blocks.{block}.se_block.conv2";

    public static string Mfa => Prefix + "mfa.conv";

    public static string AspTdnn => Prefix + "asp.tdnn.conv";

    public static string AspConv => Prefix + "asp.conv";

    public static string Fc => Prefix + "fc";

    /// <summary>The convolutions in file order: the stem name (".weight" / ".bias" appended) and the conv's dimensions.</summary>
    public static IEnumerable<ConvShape> Convolutions(SpeakerEncoderConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        var c = config.Channels;
        yield return new(Block0, c[0], config.MelDim, config.KernelSizes[0]);
        for (var b = 1; b <= config.SeRes2NetBlocks; b++)
        {
            var width = c[b] / config.Res2NetScale;
            yield return new(Tdnn1(b), c[b], c[b - 1], 1);
            for (var j = 0; j < config.Res2NetScale - 1; j++)
            {
                yield return new(Res2Net(b, j), width, width, config.KernelSizes[b]);
            }
            yield return new(Tdnn2(b), c[b], c[b], 1);
            yield return new(SeConv1(b), config.SeChannels, c[b], 1);
            yield return new(SeConv2(b), c[b], config.SeChannels, 1);
        }
        yield return new(Mfa, c[^1], c[^1], config.KernelSizes[^1]);
        yield return new(AspTdnn, config.AttentionChannels, 3 * c[^1], 1);
        yield return new(AspConv, c[^1], config.AttentionChannels, 1);
        yield return new(Fc, config.EncDim, 2 * c[^1], 1);
    }

    /// <summary>Every tensor name with its shape: each conv's weight [out, in, k] then its bias [out].</summary>
    public static IEnumerable<(string Name, long[] Shape)> Tensors(SpeakerEncoderConfig config)
    {
        foreach (var conv in Convolutions(config))
        {
            yield return (conv.WeightName, [conv.OutChannels, conv.InChannels, conv.Kernel]);
            yield return (conv.BiasName, [conv.OutChannels]);
        }
    }
}

/// <summary>One Conv1d of the speaker encoder: weight [OutChannels, InChannels, Kernel] and bias [OutChannels].</summary>
public sealed record ConvShape(string Stem, int OutChannels, int InChannels, int Kernel)
{
    public string WeightName => Stem + ".weight";

    public string BiasName => Stem + ".bias";
}
