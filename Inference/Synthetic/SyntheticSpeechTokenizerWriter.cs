using System.Text.Json;
using Qwen3Tts.Inference.Codec.Encoder;
using Qwen3Tts.Inference.Formats;
using Qwen3Tts.Inference.Formats.Safetensors;

namespace Qwen3Tts.Inference.Synthetic;

/// <summary>
/// Writes `speech_tokenizer/` as published: model.safetensors with the Mimi encoder's tensors (random F32
/// weights) and config.json with the top-level rates and the <c>encoder_config</c> block.
/// </summary>
internal static class SyntheticSpeechTokenizerWriter
{
    public static void Write(string roleDirectory, SyntheticPreset preset, SyntheticWeights weights)
    {
        Directory.CreateDirectory(roleDirectory);
        var writer = new SafetensorsWriter();
        writer.Metadata["format"] = "pt";
        foreach (var (name, shape, rows) in SyntheticEncoderTensors.All(preset.SpeechTokenizer, weights))
        {
            writer.Add(name, shape, SafetensorsDType.F32, rows);
        }
        writer.WriteTo(Path.Combine(roleDirectory, "model.safetensors"));
        WriteConfig(Path.Combine(roleDirectory, MimiEncoderCheckpoint.ConfigFileName), preset.SpeechTokenizer);
    }

    private static void WriteConfig(string path, MimiEncoderConfig encoder)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartArray("architectures");
            json.WriteStringValue("Qwen3TTSTokenizerV2Model");
            json.WriteEndArray();
            json.WriteNumber("decode_upsample_rate", encoder.SamplesPerFrame);
            json.WriteNumber("encode_downsample_rate", encoder.EncodeDownsampleRate);
            encoder.WriteJson(json);
            json.WriteNumber("encoder_valid_num_quantizers", encoder.ValidQuantizers);
            json.WriteNumber("input_sample_rate", encoder.SampleRate);
            json.WriteString("model_type", "qwen3_tts_tokenizer_12hz");
            json.WriteNumber("output_sample_rate", encoder.SampleRate);
            json.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        var bytes = buffer.ToArray();
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }
}
