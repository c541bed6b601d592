using Qwen3Tts.Inference;
using Qwen3Tts.Inference.Codec.Encoder;
using Qwen3Tts.Inference.Formats.Safetensors;
using Qwen3Tts.Tests.Pipeline;

namespace Qwen3Tts.Tests.Codec.Encoder;

/// <summary>The Mimi encoder weights of the tiny synthetic set through the real loader, intact and damaged.</summary>
[Collection(TinyModelsCollection.Name)]
public sealed class MimiEncoderCheckpointTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("qwen3-mimi-checkpoint-").FullName;
    private readonly string _source;

    public MimiEncoderCheckpointTests(TinyModelsFixture models) => _source = models.Store().ResolveSpeechTokenizer().Safetensors;

    [Fact]
    public void TheSyntheticWeightsLoadWithTheTinyConfigFromConfigJson()
    {
        using var checkpoint = MimiEncoderCheckpoint.Open(_source);

        Assert.Equal(MimiEncoderConfig.Tiny, checkpoint.Config);
        Assert.NotNull(checkpoint.ConfigPath);
        Assert.Equal(MimiEncoderTensors.All(MimiEncoderConfig.Tiny).Select(t => t.Name),
            checkpoint.File.Tensors.Select(t => t.Name).Where(name => name.StartsWith("encoder.", StringComparison.Ordinal)));
    }

    [Fact]
    public void WithoutConfigJsonTheDimensionsAreReadOffTheTensors()
    {
        var path = Rewrite();

        using var checkpoint = MimiEncoderCheckpoint.Open(path);

        Assert.Null(checkpoint.ConfigPath);
        var c = checkpoint.Config;
        Assert.Equal((4, 16, 2, 32, 8, 1, 16, 16), (c.Filters, c.HiddenSize, c.TransformerLayers, c.IntermediateSize, c.CodebookDim, c.SemanticQuantizers, c.Quantizers, c.ValidQuantizers));
    }

    [Fact]
    public void TheReleasedNamesFollowTheModuleTree()
    {
        var names = MimiEncoderTensors.All(MimiEncoderConfig.Published).Select(t => t.Name).ToHashSet();

        // MimiEncoder's ModuleList: conv 0; per stage a resnet block, an ELU, the strided conv; ELU 13, conv 14.
        Assert.Contains("encoder.encoder.layers.0.conv.weight", names);
        Assert.Contains("encoder.encoder.layers.10.block.3.conv.bias", names);
        Assert.Contains("encoder.encoder.layers.12.conv.weight", names);
        Assert.Contains("encoder.encoder.layers.14.conv.weight", names);
        Assert.DoesNotContain("encoder.encoder.layers.13.conv.weight", names);
        Assert.Contains("encoder.encoder_transformer.layers.7.mlp_layer_scale.scale", names);
        Assert.Contains("encoder.downsample.conv.weight", names);
        Assert.DoesNotContain("encoder.downsample.conv.bias", names);
        Assert.Contains("encoder.quantizer.acoustic_residual_vector_quantizer.layers.30.codebook.embed_sum", names);
        Assert.Contains("encoder.quantizer.semantic_residual_vector_quantizer.input_proj.weight", names);
        Assert.Equal(28 + 8 * 12 + 1 + 2 * 2 + 32 * 3, names.Count);
    }

    [Theory]
    [InlineData("encoder.encoder_transformer.layers.0.self_attn.k_proj.weight")]
    [InlineData("encoder.downsample.conv.weight")]
    [InlineData("encoder.quantizer.acoustic_residual_vector_quantizer.layers.14.codebook.embed_sum")]
    public void AMissingTensorIsNamed(string tensor)
    {
        var path = Rewrite(drop: tensor, keepConfig: true);

        var error = Assert.Throws<ModelFormatException>(() => MimiEncoderCheckpoint.Open(path));

        Assert.Equal(path, error.FilePath);
        Assert.Equal(tensor, error.TensorName);
        Assert.Contains($"'{tensor}' is missing", error.Message);
    }

    [Fact]
    public void TooFewCodebooksWithoutAConfigAreRefused()
    {
        var path = Rewrite(drop: "encoder.quantizer.acoustic_residual_vector_quantizer.layers.14.codebook.embed_sum");

        var error = Assert.Throws<ModelFormatException>(() => MimiEncoderCheckpoint.Open(path));

        Assert.Contains("1 semantic + 14 acoustic codebooks; Qwen3-TTS needs 16", error.Message);
    }

    [Fact]
    public void AWronglyShapedTensorNamesBothShapes()
    {
        const string tensor = "encoder.encoder.layers.1.block.1.conv.weight";
        var path = Rewrite(reshape: (tensor, [2, 3]), keepConfig: true);

        var error = Assert.Throws<ModelFormatException>(() => MimiEncoderCheckpoint.Open(path));

        Assert.Equal(tensor, error.TensorName);
        Assert.Contains("expected shape [2, 4, 3], found [2, 3]", error.Message);
    }

    [Fact]
    public void AConfigTheEncoderDoesNotImplementIsRefusedByKey()
    {
        var path = Rewrite(keepConfig: true);
        var config = Path.Combine(Path.GetDirectoryName(path)!, MimiEncoderCheckpoint.ConfigFileName);
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"hidden_act\": \"gelu\"", "\"hidden_act\": \"relu\"", StringComparison.Ordinal));

        var error = Assert.Throws<ModelFormatException>(() => MimiEncoderCheckpoint.Open(path));

        Assert.Equal(config, error.FilePath);
        Assert.Contains("encoder_config.hidden_act 'relu' is not implemented", error.Message);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A copy of the synthetic file (in its own directory) with one tensor left out or stored under another shape.</summary>
    private string Rewrite(string? drop = null, (string Name, long[] Shape)? reshape = null, bool keepConfig = false)
    {
        var directory = Directory.CreateDirectory(Path.Combine(_dir, Guid.NewGuid().ToString("N"))).FullName;
        var target = Path.Combine(directory, "model.safetensors");
        if (keepConfig)
        {
            File.Copy(Path.Combine(Path.GetDirectoryName(_source)!, MimiEncoderCheckpoint.ConfigFileName), Path.Combine(directory, MimiEncoderCheckpoint.ConfigFileName));
        }
        using var file = SafetensorsFile.Open(_source);
        var writer = new SafetensorsWriter();
        foreach (var tensor in file.Tensors.Where(t => t.Name != drop))
        {
            var shape = reshape is { } r && r.Name == tensor.Name ? r.Shape : tensor.Shape;
            var data = file.ReadFloat32(tensor.Name);
            writer.Add(tensor.Name, shape, data.AsMemory(0, (int)TensorShape.ElementCount(shape)));
        }
        writer.WriteTo(target);
        return target;
    }
}
