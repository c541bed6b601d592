using Qwen3Tts.Inference.Codec;
using Qwen3Tts.Inference.Codec.Decoder;

namespace Qwen3Tts.Inference.Synthetic;

/// <summary>
/// Random values for the decoder tensors of <c>speech_tokenizer/model.safetensors</c> (names and shapes from
/// <see cref="DecoderTensorNames"/>, F32 like the published file). Scales keep activations near unit variance
/// through the whole stack so random codes give audible noise at about −20 dBFS instead of clipping:
/// weights are uniform with unit gain for their true fan-in (a transposed conv sees in·k/s inputs per output),
/// the residual units' 1×1 convs are damped (×0.3), layer scales and ConvNeXt gammas are 0.1 (not the trained
/// 0.01 / 1e-6, so the transformer's long-range effect is large enough for streaming tests to see), and the
/// output conv's taps sum to zero per channel, since SnakeBeta's sin² term would otherwise leave a DC offset.
/// </summary>
internal static class SyntheticDecoderTensors
{
    /// <summary>Output conv gain relative to unit gain; sets the level of the synthetic audio.</summary>
    private const float OutputGain = 0.05f;

    public static IEnumerable<(string Name, long[] Shape, Action<long, int, Span<float>> Rows)> All(
        SpeechTokenizerDecoderConfig config, SyntheticWeights weights)
    {
        var transposed = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var stage = 0; stage < config.UpsamplingRatios.Count; stage++)
        {
            transposed[$"{DecoderTensorNames.UpsampleConv(stage)}.weight"] = config.UpsamplingRatios[stage];
        }
        for (var block = 0; block < config.UpsampleRates.Count; block++)
        {
            transposed[$"{DecoderTensorNames.Block(block)}.1.conv.weight"] = config.UpsampleRates[block];
        }
        var outputConv = $"{DecoderTensorNames.DecoderModule(config.UpsampleRates.Count + 2)}.conv.weight";

        foreach (var (name, shape) in DecoderTensorNames.All(config))
        {
            var rowLength = (int)shape[^1];
            var key = "speech_tokenizer." + name;
            Action<long, int, Span<float>> rows;
            if (name.EndsWith(".cluster_usage", StringComparison.Ordinal))
            {
                // Usage counts around 1 (some below, so the division visibly matters); never below the 1e-5 clamp.
                rows = Offset(weights.Rows(key, rowLength, 0.5f), rowLength, 1f);
            }
            else if (name.EndsWith("layernorm.weight", StringComparison.Ordinal) || name.EndsWith(".norm.weight", StringComparison.Ordinal)
                || name == DecoderTensorNames.TransformerNorm)
            {
                rows = Offset(weights.Rows(key, rowLength, 0.1f), rowLength, 1f);
            }
            else if (name.EndsWith("_layer_scale.scale", StringComparison.Ordinal) || name.EndsWith(".gamma", StringComparison.Ordinal))
            {
                rows = (_, count, d) => d[..(count * rowLength)].Fill(0.1f);
            }
            else if (name.EndsWith(".alpha", StringComparison.Ordinal) || name.EndsWith(".beta", StringComparison.Ordinal))
            {
                // SnakeBeta keeps α and β as logarithms: e^α, e^β near 1.
                rows = weights.Rows(key, rowLength, 0.2f);
            }
            else if (shape.Length == 1)
            {
                rows = weights.Rows(key, rowLength, 0.05f);
            }
            else if (name == outputConv)
            {
                rows = ZeroMeanRows(weights.Rows(key, rowLength, OutputGain * SyntheticWeights.LinearScale((int)(shape[1] * shape[2]))), rowLength);
            }
            else
            {
                var fanIn = transposed.TryGetValue(name, out var stride)
                    ? (int)(shape[0] * shape[2] / stride)
                    : (int)(TensorShape.ElementCount(shape) / shape[0]);
                var gain = name.EndsWith(".conv2.conv.weight", StringComparison.Ordinal) ? 0.3f : 1f;
                rows = weights.Rows(key, rowLength, gain * SyntheticWeights.LinearScale(fanIn));
            }
            yield return (name, shape, rows);
        }
    }

    private static Action<long, int, Span<float>> Offset(Action<long, int, Span<float>> inner, int rowLength, float offset) => (first, count, d) =>
    {
        inner(first, count, d);
        foreach (ref var v in d[..(count * rowLength)])
        {
            v += offset;
        }
    };

    private static Action<long, int, Span<float>> ZeroMeanRows(Action<long, int, Span<float>> inner, int rowLength) => (first, count, d) =>
    {
        inner(first, count, d);
        for (var r = 0; r < count; r++)
        {
            var row = d.Slice(r * rowLength, rowLength);
            var mean = 0f;
            foreach (var v in row)
            {
                mean += v;
            }
            mean /= rowLength;
            foreach (ref var v in row)
            {
                v -= mean;
            }
        }
    };
}
