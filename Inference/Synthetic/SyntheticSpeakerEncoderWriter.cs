using Qwen3Tts.Inference.Codec.SpeakerEncoder;
using Qwen3Tts.Inference.Formats.Safetensors;

namespace Qwen3Tts.Inference.Synthetic;

/// <summary>
/// Adds the Base checkpoint's `speaker_encoder.*` tensors (names and shapes of
/// <see cref="SpeakerEncoderLayout"/>) with seeded random weights to a model.safetensors being written.
/// Conv weights are uniform with unit-gain scale for their fan-in (in x kernel) and biases small, so the
/// network's activations stay in the range of the log-mel input (|x| ~ 10) instead of exploding or
/// saturating the SE sigmoids and the attention softmax.
/// </summary>
public static class SyntheticSpeakerEncoderWriter
{
    public const float BiasScale = 0.1f;

    /// <param name="storeAs">BF16 as published; F32 keeps the random weights exact (tests that compare with an f32 reference).</param>
    public static void AddTensors(SafetensorsWriter writer, SpeakerEncoderConfig config, SyntheticWeights weights, SafetensorsDType storeAs = SafetensorsDType.BF16)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(weights);
        foreach (var conv in SpeakerEncoderLayout.Convolutions(config))
        {
            var fanIn = conv.InChannels * conv.Kernel;
            writer.Add(conv.WeightName, [conv.OutChannels, conv.InChannels, conv.Kernel], storeAs,
                weights.Rows(conv.WeightName, conv.Kernel, SyntheticWeights.LinearScale(fanIn)));
            writer.Add(conv.BiasName, [conv.OutChannels], storeAs, weights.Rows(conv.BiasName, conv.OutChannels, BiasScale));
        }
    }

    /// <summary>The same weights in memory, as f32 tensors in PyTorch layout (what a BF16 file holds, before rounding).</summary>
    public static SpeakerEncoderWeights Create(SpeakerEncoderConfig config, SyntheticWeights weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var tensors = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var conv in SpeakerEncoderLayout.Convolutions(config))
        {
            var fanIn = conv.InChannels * conv.Kernel;
            tensors[conv.WeightName] = weights.Create(conv.WeightName, conv.OutChannels * conv.InChannels, conv.Kernel, SyntheticWeights.LinearScale(fanIn));
            tensors[conv.BiasName] = weights.Create(conv.BiasName, 1, conv.OutChannels, BiasScale);
        }
        return SpeakerEncoderWeights.FromTensors(config, tensors);
    }
}
