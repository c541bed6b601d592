using System.Text.Json;
using Qwen3Tts.Inference.Codec.SpeakerEncoder;
using Qwen3Tts.Inference.Formats.Safetensors;
using Qwen3Tts.Inference.Synthetic;
using Qwen3Tts.Tests.Codec.Encoder;
using Qwen3Tts.Tests.Pipeline;
using static Qwen3Tts.Tests.Audio.WavFixtures;

namespace Qwen3Tts.Tests.Voices;

/// <summary>Reference clips and model sets the cloning tests share.</summary>
internal static class CloneFixtures
{
    /// <summary>Test audio as 16-bit stereo at 44.1 kHz (both channels equal).</summary>
    public static byte[] ReferenceWav(double seconds = 1.3)
    {
        var mono = MimiAudioEncoderTests.TestAudio((int)(44100 * seconds));
        var interleaved = mono.SelectMany(v => new[] { (short)(v * 32767), (short)(v * 32767) }).ToArray();
        return Riff(Fmt(1, 2, 44100, 16), Chunk("data", Int16s(interleaved)));
    }

    public static string WriteReferenceWav(string directory, string name = "ref.wav", double seconds = 1.3)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllBytes(path, ReferenceWav(seconds));
        return path;
    }

    /// <summary>A copy of the tiny set plus what an official Base snapshot adds at its root: speaker_encoder.* and speaker_encoder_config.</summary>
    public static string ModelsWithSpeakerEncoder(TinyModelsFixture fixture, string target)
    {
        var models = fixture.CopyTo(target);
        var config = SpeakerEncoderConfig.Tiny(SyntheticPreset.Tiny.Talker.HiddenSize);
        var writer = new SafetensorsWriter();
        SyntheticSpeakerEncoderWriter.AddTensors(writer, config, new SyntheticWeights(21));
        writer.WriteTo(Path.Combine(models, SpeakerEncoderCheckpoint.WeightsFile));
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WritePropertyName("speaker_encoder_config");
            config.WriteJson(json);
            json.WriteEndObject();
        }
        File.WriteAllBytes(Path.Combine(models, SpeakerEncoderCheckpoint.ConfigFile), buffer.ToArray());
        return models;
    }
}
