using System.Text;
using System.Text.Json;
using Qwen3Tts.Inference;
using Qwen3Tts.Inference.Codec.SpeakerEncoder;

namespace Qwen3Tts.Tests.SpeakerEncoder;

/// <summary>The speaker encoder's tensor names and shapes as the official module tree has them, and its config.json block.</summary>
public sealed class SpeakerEncoderLayoutTests
{
    [Theory]
    [InlineData(1024)]
    [InlineData(2048)]
    public void ThePublishedNetworkHas76TensorsWithTheOfficialShapes(int encDim)
    {
        var tensors = SpeakerEncoderLayout.Tensors(SpeakerEncoderConfig.Official(encDim)).ToDictionary(t => t.Name, t => t.Shape);

        Assert.Equal(76, tensors.Count);
        Assert.Equal([512, 128, 5], tensors["speaker_encoder.blocks.0.conv.weight"]);
        Assert.Equal([512], tensors["speaker_encoder.blocks.0.conv.bias"]);
        Assert.Equal([512, 512, 1], tensors["speaker_encoder.blocks.1.tdnn1.conv.weight"]);
        Assert.Equal([64, 64, 3], tensors["speaker_encoder.blocks.3.res2net_block.blocks.6.conv.weight"]);
        Assert.False(tensors.ContainsKey("speaker_encoder.blocks.3.res2net_block.blocks.7.conv.weight"));
        Assert.Equal([512, 512, 1], tensors["speaker_encoder.blocks.2.tdnn2.conv.weight"]);
        Assert.Equal([128, 512, 1], tensors["speaker_encoder.blocks.2.se_block.conv1.weight"]);
        Assert.Equal([512, 128, 1], tensors["speaker_encoder.blocks.2.se_block.conv2.weight"]);
        Assert.Equal([1536, 1536, 1], tensors["speaker_encoder.mfa.conv.weight"]);
        Assert.Equal([128, 4608, 1], tensors["speaker_encoder.asp.tdnn.conv.weight"]);
        Assert.Equal([1536, 128, 1], tensors["speaker_encoder.asp.conv.weight"]);
        Assert.Equal([encDim, 3072, 1], tensors["speaker_encoder.fc.weight"]);
        Assert.Equal([encDim], tensors["speaker_encoder.fc.bias"]);
        Assert.All(tensors.Keys, n => Assert.StartsWith("speaker_encoder.", n));
    }

    [Fact]
    public void ThePublishedConfigBlockReadsAsTheOfficialDefaults()
    {
        using var json = JsonDocument.Parse("""{"enc_dim": 2048, "sample_rate": 24000}""");

        var config = SpeakerEncoderConfig.FromJson(json.RootElement, "config.json");

        Assert.Equal(SpeakerEncoderConfig.Official(2048), config);
        Assert.Equal([512, 512, 512, 512, 1536], config.Channels);
        Assert.Equal([5, 3, 3, 3, 1], config.KernelSizes);
        Assert.Equal([1, 2, 3, 4, 1], config.Dilations);
        Assert.Equal((128, 8, 128, 128), (config.AttentionChannels, config.Res2NetScale, config.SeChannels, config.MelDim));
    }

    [Fact]
    public void WrittenConfigBlocksReadBackEqual()
    {
        foreach (var config in new[] { SpeakerEncoderConfig.Official(1024), SpeakerEncoderConfig.Tiny(32) })
        {
            var text = Write(config);
            using var json = JsonDocument.Parse(text);
            Assert.Equal(config, SpeakerEncoderConfig.FromJson(json.RootElement, "config.json"));
        }
        Assert.Equal("""{"enc_dim":1024,"sample_rate":24000}""", Write(SpeakerEncoderConfig.Official(1024)));
    }

    [Theory]
    [InlineData("""{"mel_dim": 80}""", "mel_dim is 80")]
    [InlineData("""{"enc_channels": [512, 512, 1536], "enc_kernel_sizes": [5, 3, 3, 3, 1]}""", "must have the same length")]
    [InlineData("""{"enc_channels": [512, 512, 512, 512, 1024]}""", "1536 channels) but enc_channels[-1] is 1024")]
    [InlineData("""{"enc_res2net_scale": 7}""", "divisible by enc_res2net_scale 7")]
    [InlineData("""{"enc_dim": "big"}""", "speaker_encoder_config.enc_dim must be an integer")]
    [InlineData("""{"sample_rate": 16000}""", "sample_rate is 16000")]
    public void ConfigsTheNetworkCannotBeBuiltWithAreRefusedByName(string block, string message)
    {
        using var json = JsonDocument.Parse(block);

        var error = Assert.Throws<ModelFormatException>(() => SpeakerEncoderConfig.FromJson(json.RootElement, "/m/config.json"));

        Assert.Contains(message, error.Message);
        Assert.StartsWith("/m/config.json: speaker_encoder_config", error.Message);
    }

    private static string Write(SpeakerEncoderConfig config)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            config.WriteJson(writer);
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
