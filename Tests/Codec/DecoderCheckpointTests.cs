using Qwen3Tts.Inference;
using Qwen3Tts.Inference.Codec;
using Qwen3Tts.Inference.Codec.Decoder;
using Qwen3Tts.Inference.Formats.Safetensors;
using Qwen3Tts.Inference.Codec.Encoder;

namespace Qwen3Tts.Tests.Codec;

/// <summary>The decoder's tensors and config as `models synth` writes them and as the loader reads them, intact and damaged.</summary>
public sealed class DecoderCheckpointTests(TinyDecoderFixture fixture) : IClassFixture<TinyDecoderFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("qwen3-decoder-ckpt-").FullName;

    [Fact]
    public void ThePublishedLayoutHas271DecoderTensorsBesideTheEncoders225()
    {
        // The released speech_tokenizer/model.safetensors holds 496 F32 tensors.
        Assert.Equal(271, DecoderTensorNames.All(SpeechTokenizerDecoderConfig.Published).Count());
        Assert.Equal(225, MimiEncoderTensors.All(MimiEncoderConfig.Published).Count());
        var names = DecoderTensorNames.All(SpeechTokenizerDecoderConfig.Published).Select(t => t.Name).ToHashSet();
        Assert.Contains("decoder.quantizer.rvq_first.vq.layers.0._codebook.embedding_sum", names);
        Assert.Contains("decoder.quantizer.rvq_rest.vq.layers.14._codebook.cluster_usage", names);
        Assert.Contains("decoder.pre_transformer.layers.7.mlp_layer_scale.scale", names);
        Assert.Contains("decoder.upsample.1.1.pwconv2.weight", names);
        Assert.Contains("decoder.decoder.4.block.4.conv2.conv.weight", names);
        Assert.Contains("decoder.decoder.6.conv.bias", names);
        Assert.DoesNotContain("decoder.pre_transformer.rotary_emb.inv_freq", names);
    }

    [Fact]
    public void TheSyntheticFileHoldsEveryDecoderTensorAsF32AndItsConfigReadsBack()
    {
        using var file = SafetensorsFile.Open(fixture.WeightsPath);
        var decoder = file.Tensors.Where(t => t.Name.StartsWith(DecoderTensorNames.Prefix, StringComparison.Ordinal)).ToArray();

        Assert.Equal(DecoderTensorNames.All(SpeechTokenizerDecoderConfig.Tiny).Select(t => t.Name), decoder.Select(t => t.Name));
        Assert.All(file.Tensors, t => Assert.Equal(SafetensorsDType.F32, t.DType));
        var config = SpeechTokenizerConfig.Load(Path.Combine(fixture.Directory, "config.json"));
        Assert.Equal(SpeechTokenizerDecoderConfig.Tiny.HeadDim, config.Decoder.HeadDim);
        Assert.Equal(SpeechTokenizerDecoderConfig.Tiny.HiddenSize, config.Decoder.HiddenSize);
        Assert.Equal([8, 5, 4, 3], config.Decoder.UpsampleRates);
        Assert.Equal(1920, config.Decoder.SamplesPerFrame);
        Assert.Equal(16, config.EncoderValidQuantizers);
        Assert.NotNull(config.EncoderConfig);
        Assert.True(File.Exists(Path.Combine(fixture.Directory, "preprocessor_config.json")));
    }

    [Fact]
    public void ThePublishedConfigRoundTrips()
    {
        var path = Path.Combine(_dir, "config.json");
        File.WriteAllText(path, SpeechTokenizerConfigWriter.Render(SpeechTokenizerDecoderConfig.Published, MimiEncoderConfig.Published));

        var decoder = SpeechTokenizerConfig.Load(path).Decoder;

        Assert.Equal((512, 512, 1024, 16, 64, 1024, 1536, 72), (decoder.CodebookDim, decoder.HiddenSize, decoder.LatentDim, decoder.AttentionHeads,
            decoder.HeadDim, decoder.IntermediateSize, decoder.DecoderDim, decoder.SlidingWindow));
        Assert.Equal(4096, decoder.SemanticCodebookSize);
    }

    [Theory]
    [InlineData("decoder.pre_transformer.layers.3.self_attn.v_proj.weight")]
    [InlineData("decoder.quantizer.rvq_rest.vq.layers.6._codebook.cluster_usage")]
    [InlineData("decoder.decoder.2.block.3.conv1.conv.weight")]
    public void AMissingTensorIsNamedWithTheFile(string tensor)
    {
        var path = Rewrite(drop: tensor);

        var error = Assert.Throws<ModelFormatException>(() => DecoderCheckpoint.Open(path));

        Assert.Equal(path, error.FilePath);
        Assert.Contains($"missing tensor '{tensor}'", error.Message);
    }

    [Fact]
    public void AWronglyShapedTensorNamesBothShapes()
    {
        const string tensor = "decoder.upsample.0.1.pwconv1.weight";
        var path = Rewrite(reshape: (tensor, [64, 32]));

        var error = Assert.Throws<ModelFormatException>(() => DecoderCheckpoint.Open(path));

        Assert.Contains($"tensor '{tensor}': expected shape [128, 32], found [64, 32]", error.Message);
    }

    [Fact]
    public void WithoutConfigJsonThePublishedValuesAreCheckedAgainstTheShapes()
    {
        // The seed's layout ships model.safetensors alone. Tiny heads of 8 cannot be read off the shapes, so the
        // published head_dim 64 is assumed and the mismatch is reported as such.
        var path = Path.Combine(_dir, "model.safetensors");
        File.Copy(fixture.WeightsPath, path);

        var error = Assert.Throws<ModelFormatException>(() => DecoderCheckpoint.Open(path));

        Assert.Contains("no config.json beside it", error.Message);
        Assert.Contains("self_attn.q_proj.weight", error.Message);
    }

    [Theory]
    [InlineData("{", "not valid JSON")]
    [InlineData("{\"model_type\":\"qwen3_tts_tokenizer_12hz\"}", "decoder_config is missing")]
    [InlineData("{\"model_type\":\"mimi\",\"decoder_config\":{}}", "model_type is 'mimi'")]
    [InlineData("{\"decoder_config\":{\"hidden_size\":512}}", "decoder_config.codebook_dim is required")]
    [InlineData("{\"decoder_config\":{\"codebook_dim\":512,\"hidden_act\":\"gelu\"}}", "decoder_config.hidden_act: 'gelu' is not supported")]
    [InlineData("{\"decoder_config\":{\"codebook_dim\":512,\"upsample_rates\":[8,5]}}", "decode_upsample_rate is 1920, but the decoder's strides multiply to 160")]
    [InlineData("{\"decoder_config\":{\"codebook_dim\":\"512\"}}", "decoder_config.codebook_dim must be an integer")]
    public void ABadConfigNamesTheKey(string json, string message)
    {
        var path = Path.Combine(_dir, "config.json");
        File.WriteAllText(path, json);

        var error = Assert.Throws<ModelFormatException>(() => SpeechTokenizerConfig.Load(path));

        Assert.Contains(message, error.Message);
        Assert.Equal(path, error.FilePath);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Rewrite(string? drop = null, (string Name, long[] Shape)? reshape = null)
    {
        var directory = Directory.CreateDirectory(Path.Combine(_dir, Guid.NewGuid().ToString("N"))).FullName;
        File.Copy(Path.Combine(fixture.Directory, "config.json"), Path.Combine(directory, "config.json"));
        var target = Path.Combine(directory, "model.safetensors");
        using var file = SafetensorsFile.Open(fixture.WeightsPath);
        var writer = new SafetensorsWriter();
        foreach (var tensor in file.Tensors.Where(t => t.Name != drop))
        {
            var shape = reshape is { } r && r.Name == tensor.Name ? r.Shape : tensor.Shape;
            writer.Add(tensor.Name, shape, file.ReadFloat32(tensor.Name).AsMemory(0, (int)TensorShape.ElementCount(shape)));
        }
        writer.WriteTo(target);
        return target;
    }
}
