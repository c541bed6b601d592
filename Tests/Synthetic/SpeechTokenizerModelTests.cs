using Qwen3Tts.Inference;
using Qwen3Tts.Inference.Formats.Safetensors;
using Qwen3Tts.Inference.SpeechTokenizer;
using Qwen3Tts.Tests.Pipeline;

namespace Qwen3Tts.Tests.Synthetic;

/// <summary>The Mimi encoder weights of the tiny synthetic set through the real loader, intact and damaged.</summary>
[Collection(TinyModelsCollection.Name)]
public sealed class SpeechTokenizerModelTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("qwen3-speech-tokenizer-").FullName;
    private readonly string _source;

    public SpeechTokenizerModelTests(TinyModelsFixture models) => _source = models.Store().ResolveSpeechTokenizer().Safetensors;

    [Fact]
    public void TheSyntheticWeightsLoadWithTheTinyShape()
    {
        using var model = SpeechTokenizerModel.Load(_source);

        Assert.Equal(MimiEncoderShape.Tiny, model.Shape);
        Assert.Equal(MimiEncoderShape.Tiny.Tensors().Select(t => t.Name), model.File.Tensors.Select(t => t.Name));
    }

    [Theory]
    [InlineData("encoder.encoder_transformer.layers.0.self_attn.k_proj.weight")]
    [InlineData("encoder.downsample.conv.weight")]
    public void AMissingTensorIsNamed(string tensor)
    {
        var path = Rewrite(drop: tensor);

        var error = Assert.Throws<ModelFormatException>(() => SpeechTokenizerModel.Load(path));

        Assert.Equal(path, error.FilePath);
        Assert.Equal(tensor, error.TensorName);
    }

    [Fact]
    public void TooFewAcousticCodebooksAreRefused()
    {
        var path = Rewrite(drop: "encoder.quantizer.acoustic_residual_vector_quantizer.layers.14.codebook.embed_sum");

        var error = Assert.Throws<ModelFormatException>(() => SpeechTokenizerModel.Load(path));

        Assert.Equal(path, error.FilePath);
        Assert.Contains("14 acoustic codebooks; Qwen3-TTS needs at least 15", error.Message);
    }

    [Fact]
    public void AWronglyShapedTensorNamesBothShapes()
    {
        const string tensor = "encoder.encoder.layers.1.block.1.conv.weight";
        var path = Rewrite(reshape: (tensor, [2, 3]));

        var error = Assert.Throws<ModelFormatException>(() => SpeechTokenizerModel.Load(path));

        Assert.Equal(tensor, error.TensorName);
        Assert.Contains("expected shape [1, 2, 3], found [2, 3]", error.Message);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A copy of the synthetic file with one tensor left out or stored under another shape.</summary>
    private string Rewrite(string? drop = null, (string Name, long[] Shape)? reshape = null)
    {
        var target = Path.Combine(_dir, $"changed-{Guid.NewGuid():N}.safetensors");
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
