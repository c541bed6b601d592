using Qwen3Tts.Inference.Formats.Safetensors;
using Qwen3Tts.Inference.SpeechTokenizer;

namespace Qwen3Tts.Inference.Synthetic;

/// <summary>Writes `speech_tokenizer/model.safetensors` with the Mimi encoder tensor names and random weights.</summary>
internal static class SyntheticSpeechTokenizerWriter
{
    public static void Write(string roleDirectory, SyntheticPreset preset, SyntheticWeights weights)
    {
        Directory.CreateDirectory(roleDirectory);
        var writer = new SafetensorsWriter();
        writer.Metadata["format"] = "pt";
        foreach (var (name, shape) in preset.SpeechTokenizer.Tensors())
        {
            // The writer streams rows of the last axis; the fan-in of a conv weight [out, in, k] is in*k.
            var rowLength = (int)shape[^1];
            var fanIn = (int)(TensorShape.ElementCount(shape) / shape[0]);
            var scale = shape.Length == 1 ? 0.1f : SyntheticWeights.LinearScale(fanIn);
            Action<long, int, Span<float>> rows = name switch
            {
                _ when name.EndsWith(".cluster_usage", StringComparison.Ordinal) || name.EndsWith(".initialized", StringComparison.Ordinal)
                    => (_, count, d) => d[..(count * rowLength)].Fill(1f),
                _ when name.EndsWith("layernorm.weight", StringComparison.Ordinal)
                    => (_, count, d) => d[..(count * rowLength)].Fill(1f),
                _ when name.EndsWith(".scale", StringComparison.Ordinal)
                    => (_, count, d) => d[..(count * rowLength)].Fill(0.01f),
                _ => weights.Rows("speech_tokenizer." + name, rowLength, scale),
            };
            writer.Add(name, shape, SafetensorsDType.F32, rows);
        }
        writer.WriteTo(Path.Combine(roleDirectory, "model.safetensors"));
    }
}
