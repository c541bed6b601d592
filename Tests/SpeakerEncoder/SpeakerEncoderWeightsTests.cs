using Qwen3Tts.Inference;
using Qwen3Tts.Inference.Codec.SpeakerEncoder;
using Qwen3Tts.Inference.Formats.Safetensors;
using Qwen3Tts.Inference.Synthetic;
using Qwen3Tts.Tests.Formats;

namespace Qwen3Tts.Tests.SpeakerEncoder;

/// <summary>The synthetic writer's tensors through the real loader, intact and damaged.</summary>
public sealed class SpeakerEncoderWeightsTests : IDisposable
{
    private static readonly SpeakerEncoderConfig Tiny = SpeakerEncoderConfig.Tiny(32);
    private readonly TempDirectory _dir = new();

    [Fact]
    public void WrittenWeightsLoadAsTheGeneratorMadeThem()
    {
        var path = WriteFile(SafetensorsDType.F32);

        var loaded = SpeakerEncoderWeights.Load(path, Tiny);

        var made = SyntheticSpeakerEncoderWriter.Create(Tiny, new SyntheticWeights(5));
        foreach (var (name, _) in SpeakerEncoderLayout.Tensors(Tiny))
        {
            Assert.Equal(made[name].ToArray(), loaded[name].ToArray());
        }
        Assert.Equal(made.ParameterCount, loaded.ParameterCount);
        Assert.Contains(loaded["speaker_encoder.mfa.conv.weight"].ToArray(), v => v != 0f);
    }

    [Fact]
    public void PublishedBf16WeightsConvertToF32()
    {
        var path = WriteFile(SafetensorsDType.BF16);
        using (var file = SafetensorsFile.Open(path))
        {
            Assert.True(SpeakerEncoderWeights.IsPresent(file));
            Assert.All(file.Tensors, t => Assert.Equal(SafetensorsDType.BF16, t.DType));
        }

        var loaded = SpeakerEncoderWeights.Load(path, Tiny);

        var made = SyntheticSpeakerEncoderWriter.Create(Tiny, new SyntheticWeights(5))["speaker_encoder.fc.weight"].ToArray();
        var read = loaded["speaker_encoder.fc.weight"].ToArray();
        for (var i = 0; i < made.Length; i++)
        {
            Assert.Equal(made[i], read[i], Math.Abs(made[i]) / 128f);
        }
    }

    [Fact]
    public void AMissingTensorIsNamedWithItsExpectedShape()
    {
        var path = WriteFile(SafetensorsDType.F32, drop: "speaker_encoder.blocks.2.res2net_block.blocks.3.conv.weight");

        var error = Assert.Throws<ModelFormatException>(() => SpeakerEncoderWeights.Load(path, Tiny));

        Assert.Equal(path, error.FilePath);
        Assert.Equal("speaker_encoder.blocks.2.res2net_block.blocks.3.conv.weight", error.TensorName);
        Assert.Contains("missing (expected shape [2, 2, 3]", error.Message);
    }

    [Fact]
    public void AWronglyShapedTensorNamesBothShapes()
    {
        // A 1.7B-Base file (x-vector 2048) read with a 0.6B config (1024): the fc says so.
        var path = WriteFile(SafetensorsDType.F32, config: SpeakerEncoderConfig.Tiny(64));

        var error = Assert.Throws<ModelFormatException>(() => SpeakerEncoderWeights.Load(path, Tiny));

        Assert.Equal("speaker_encoder.fc.weight", error.TensorName);
        Assert.Contains("expected shape [32, 96, 1], found [64, 96, 1]", error.Message);
    }

    [Fact]
    public void AStrayTensorTheConfigDoesNotDescribeIsRefused()
    {
        var path = WriteFile(SafetensorsDType.F32, extra: "speaker_encoder.blocks.4.tdnn1.conv.weight");

        var error = Assert.Throws<ModelFormatException>(() => SpeakerEncoderWeights.Load(path, Tiny));

        Assert.Equal("speaker_encoder.blocks.4.tdnn1.conv.weight", error.TensorName);
        Assert.Contains("does not describe it", error.Message);
    }

    [Fact]
    public void AFileWithoutASpeakerEncoderSaysSo()
    {
        var writer = new SafetensorsWriter();
        writer.Add("talker.model.norm.weight", [4], new float[4]);
        var path = _dir.File("custom-voice.safetensors");
        writer.WriteTo(path);

        using (var file = SafetensorsFile.Open(path))
        {
            Assert.False(SpeakerEncoderWeights.IsPresent(file));
        }
        var error = Assert.Throws<ModelFormatException>(() => SpeakerEncoderWeights.Load(path, Tiny));
        Assert.Contains("is this a Base checkpoint?", error.Message);
    }

    private string WriteFile(SafetensorsDType dtype, string? drop = null, string? extra = null, SpeakerEncoderConfig? config = null)
    {
        var full = new SafetensorsWriter();
        SyntheticSpeakerEncoderWriter.AddTensors(full, config ?? Tiny, new SyntheticWeights(5), dtype);
        var source = _dir.File($"full-{Guid.NewGuid():N}.safetensors");
        full.WriteTo(source);
        var writer = new SafetensorsWriter();
        using (var file = SafetensorsFile.Open(source))
        {
            foreach (var t in file.Tensors.Where(t => t.Name != drop))
            {
                writer.Add(t.Name, t.Shape, file.ReadFloat32(t.Name), t.DType);
            }
        }
        if (extra is not null)
        {
            writer.Add(extra, [2, 2, 1], new float[4]);
        }
        var path = _dir.File($"model-{Guid.NewGuid():N}.safetensors");
        writer.WriteTo(path);
        return path;
    }

    public void Dispose() => _dir.Dispose();
}
