using Qwen3Tts.Inference;
using Qwen3Tts.Inference.Codec.SpeakerEncoder;
using Qwen3Tts.Inference.Formats.Safetensors;
using Qwen3Tts.Inference.Synthetic;
using Qwen3Tts.Tests.Formats;

namespace Qwen3Tts.Tests.SpeakerEncoder;

/// <summary>Finding the speaker encoder in an official snapshot directory (config.json + model.safetensors).</summary>
public sealed class SpeakerEncoderCheckpointTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public void ABaseSnapshotYieldsTheExtractorOfItsWeights()
    {
        var config = SpeakerEncoderConfig.Tiny(32);
        WriteConfig($$$"""{"tts_model_type": "base", "speaker_encoder_config": {{{Block(config)}}}, "talker_config": {"hidden_size": 32}}""");
        var writer = new SafetensorsWriter();
        writer.Add("talker.model.norm.weight", [32], new float[32]);
        SyntheticSpeakerEncoderWriter.AddTensors(writer, config, new SyntheticWeights(9), SafetensorsDType.F32);
        writer.WriteTo(_dir.File("model.safetensors"));

        var extractor = SpeakerEncoderCheckpoint.TryLoad(_dir.Path);

        Assert.NotNull(extractor);
        Assert.Equal(32, extractor.EmbeddingSize);
        var audio = SpeechLikeSignal.Create(12000);
        var expected = new SpeakerEmbeddingExtractor(SyntheticSpeakerEncoderWriter.Create(config, new SyntheticWeights(9))).Extract(audio);
        Assert.Equal(expected, extractor.Extract(audio));
    }

    [Fact]
    public void SnapshotsWithoutASpeakerEncoderYieldNone()
    {
        Assert.Null(SpeakerEncoderCheckpoint.TryLoad(_dir.Path)); // no config.json: the seed's layout

        WriteConfig("""{"tts_model_type": "custom_voice", "talker_config": {"hidden_size": 32}}""");

        Assert.Null(SpeakerEncoderCheckpoint.TryLoad(_dir.Path));
    }

    [Fact]
    public void ABaseConfigWithoutItsWeightsIsAClearError()
    {
        WriteConfig($$"""{"speaker_encoder_config": {{Block(SpeakerEncoderConfig.Tiny(32))}}}""");

        var missingFile = Assert.Throws<ModelFormatException>(() => SpeakerEncoderCheckpoint.TryLoad(_dir.Path));
        Assert.Contains("model.safetensors is missing", missingFile.Message);

        var writer = new SafetensorsWriter();
        writer.Add("talker.model.norm.weight", [32], new float[32]);
        writer.WriteTo(_dir.File("model.safetensors"));
        var missingTensor = Assert.Throws<ModelFormatException>(() => SpeakerEncoderCheckpoint.TryLoad(_dir.Path));
        Assert.Equal("speaker_encoder.blocks.0.conv.weight", missingTensor.TensorName);
    }

    [Fact]
    public void ABrokenConfigNamesItsFile()
    {
        var path = WriteConfig("""{"speaker_encoder_config": {"enc_dim": 1024,""");

        var error = Assert.Throws<ModelFormatException>(() => SpeakerEncoderCheckpoint.TryLoad(_dir.Path));

        Assert.Equal(path, error.FilePath);
        Assert.Contains("not valid JSON", error.Message);
    }

    private string WriteConfig(string json)
    {
        var path = _dir.File("config.json");
        File.WriteAllText(path, json);
        return path;
    }

    private static string Block(SpeakerEncoderConfig config)
    {
        using var buffer = new MemoryStream();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            config.WriteJson(writer);
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    public void Dispose() => _dir.Dispose();
}
