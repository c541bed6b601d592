using Qwen3Tts.Inference.Codec;
using Qwen3Tts.Inference.Formats.Safetensors;

namespace Qwen3Tts.Inference.Synthetic;

/// <summary>
/// Writes `speech_tokenizer/` as published: model.safetensors with the Mimi encoder's and the codec decoder's
/// tensors (random F32 weights), config.json (top-level rates, <c>decoder_config</c>, <c>encoder_config</c>) and
/// preprocessor_config.json.
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
        foreach (var (name, shape, rows) in SyntheticDecoderTensors.All(preset.Decoder, weights))
        {
            writer.Add(name, shape, SafetensorsDType.F32, rows);
        }
        writer.WriteTo(Path.Combine(roleDirectory, "model.safetensors"));
        SpeechTokenizerConfigWriter.Write(roleDirectory, preset.Decoder, preset.SpeechTokenizer);
    }
}
