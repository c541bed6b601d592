using Qwen3Tts.Inference.Codec.Encoder;

namespace Qwen3Tts.Inference.Synthetic;

/// <summary>
/// Random values for the audio-encoder tensors of <c>speech_tokenizer/model.safetensors</c> (names and shapes
/// from <see cref="MimiEncoderTensors"/>, F32 like the published file). Weights are uniform with unit gain for
/// their fan-in; norms sit near 1 with small biases; layer scales are 0.3 rather than the trained 0.01, so the
/// transformer moves the latents enough for the reference comparison to notice a wrong attention or rope;
/// cluster usages vary around 1, so the embed_sum / usage division visibly matters.
/// </summary>
internal static class SyntheticEncoderTensors
{
    public static IEnumerable<(string Name, long[] Shape, Action<long, int, Span<float>> Rows)> All(MimiEncoderConfig config, SyntheticWeights weights)
    {
        foreach (var (name, shape) in MimiEncoderTensors.All(config))
        {
            var rowLength = (int)shape[^1];
            var key = "speech_tokenizer." + name;
            var fanIn = (int)(TensorShape.ElementCount(shape) / shape[0]);
            Action<long, int, Span<float>> rows = name switch
            {
                _ when name.EndsWith(".initialized", StringComparison.Ordinal) => (_, count, d) => d[..(count * rowLength)].Fill(1f),
                _ when name.EndsWith(".cluster_usage", StringComparison.Ordinal) => Offset(weights.Rows(key, rowLength, 0.5f), rowLength, 1f),
                _ when name.EndsWith("layernorm.weight", StringComparison.Ordinal) => Offset(weights.Rows(key, rowLength, 0.1f), rowLength, 1f),
                _ when name.EndsWith("_layer_scale.scale", StringComparison.Ordinal) => (_, count, d) => d[..(count * rowLength)].Fill(0.3f),
                _ when shape.Length == 1 => weights.Rows(key, rowLength, 0.05f),
                _ => weights.Rows(key, rowLength, SyntheticWeights.LinearScale(fanIn)),
            };
            yield return (name, shape, rows);
        }
    }

    private static Action<long, int, Span<float>> Offset(Action<long, int, Span<float>> rows, int rowLength, float offset) => (first, count, d) =>
    {
        rows(first, count, d);
        foreach (ref var v in d[..(count * rowLength)])
        {
            v += offset;
        }
    };
}
