using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Talker;

namespace Qwen3Tts.Inference.Synthetic;

/// <summary>The synthetic text projection MLP, made once so the npy files and tts_pad_embed agree.</summary>
internal sealed record SyntheticProjection(float[] Fc1Weight, float[] Fc1Bias, float[] Fc2Weight, float[] Fc2Bias)
{
    public static SyntheticProjection Create(SyntheticPreset preset, SyntheticWeights weights)
    {
        var h = preset.Talker.HiddenSize;
        var th = preset.TextHiddenSize;
        return new SyntheticProjection(
            weights.Create(SyntheticTensorNames.ProjectionFc1Weight, th, th, SyntheticWeights.LinearScale(th)),
            weights.Create(SyntheticTensorNames.ProjectionFc1Bias, 1, th, 0.1f),
            weights.Create(SyntheticTensorNames.ProjectionFc2Weight, h, th, SyntheticWeights.LinearScale(th)),
            weights.Create(SyntheticTensorNames.ProjectionFc2Bias, 1, h, 0.1f));
    }

    /// <summary>tts_pad_embed.npy must equal P(tts_pad) of the same weights, as in the real model files.</summary>
    public float[] TtsPad(SyntheticPreset preset, SyntheticWeights weights)
    {
        var row = new float[preset.TextHiddenSize];
        weights.Fill(SyntheticTensorNames.TextEmbedding, TextTokenIds.TtsPad, 1, row.Length, 1f, row);
        var pad = new float[preset.Talker.HiddenSize];
        new TextProjection(Fc1Weight, Fc1Bias, Fc2Weight, Fc2Bias).AddTo(row, pad);
        return pad;
    }
}
