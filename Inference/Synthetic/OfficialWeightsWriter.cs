using Qwen3Tts.Inference.Checkpoints;
using Qwen3Tts.Inference.Formats.Safetensors;
using Qwen3Tts.Inference.Models;

namespace Qwen3Tts.Inference.Synthetic;

/// <summary>
/// Writes an official model.safetensors: every talker and code-predictor tensor under its published
/// state-dict name and shape, stored as bf16 like the release, with seeded random weights at the same
/// scales as the seed-layout writers (unit-scale embeddings, unit-variance Linear layers, norms near 1,
/// heads a little sharper so the random model does not sample uniformly).
/// </summary>
internal static class OfficialWeightsWriter
{
    private const SafetensorsDType Stored = SafetensorsDType.BF16;

    public static void Write(string path, OfficialSyntheticPreset preset, ModelVariant variant, SyntheticWeights weights, CancellationToken cancellationToken)
    {
        var t = preset.Talker;
        var p = preset.Predictor;
        var h = t.HiddenSize;
        var th = preset.TextHiddenSize;
        var ids = TtsModelIds.Published;
        var writer = new SafetensorsWriter();
        writer.Metadata["format"] = "pt";

        Add(writer, weights, OfficialTensorNames.TextEmbedding, [ids.TextVocabSize, th], 1f);
        Add(writer, weights, OfficialTensorNames.ProjectionFc1Weight, [th, th], SyntheticWeights.LinearScale(th));
        Add(writer, weights, OfficialTensorNames.ProjectionFc1Bias, [th], 0.1f);
        Add(writer, weights, OfficialTensorNames.ProjectionFc2Weight, [h, th], SyntheticWeights.LinearScale(th));
        Add(writer, weights, OfficialTensorNames.ProjectionFc2Bias, [h], 0.1f);
        Add(writer, weights, OfficialTensorNames.CodecEmbedding, [ids.TalkerVocabSize, h], 1f);
        writer.Add(OfficialTensorNames.CodecHead, [ids.TalkerVocabSize, h], Stored, SyntheticCodecHead.Rows(weights, h));
        AddStack(writer, weights, OfficialTensorNames.TalkerPrefix, OfficialTensorNames.TalkerNorm, t);

        AddStack(writer, weights, OfficialTensorNames.PredictorPrefix, OfficialTensorNames.PredictorNorm, p);
        for (var k = 0; k < CodecTokenIds.CodebookCount - 1; k++)
        {
            Add(writer, weights, OfficialTensorNames.PredictorCodecEmbedding(k), [CodecTokenIds.CodebookSize, h], 1f);
            Add(writer, weights, OfficialTensorNames.PredictorHead(k), [CodecTokenIds.CodebookSize, p.HiddenSize], SyntheticWeights.LinearScale(p.HiddenSize) * 4f);
        }
        if (p.HiddenSize != h)
        {
            Add(writer, weights, OfficialTensorNames.MtpProjectionWeight, [p.HiddenSize, h], SyntheticWeights.LinearScale(h));
            Add(writer, weights, OfficialTensorNames.MtpProjectionBias, [p.HiddenSize], 0.1f);
        }
        if (variant == ModelVariant.Base)
        {
            SyntheticSpeakerEncoderWriter.AddTensors(writer, preset.SpeakerEncoder, weights);
        }
        writer.WriteTo(path, cancellationToken);
    }

    private static void AddStack(SafetensorsWriter writer, SyntheticWeights weights, string prefix, string norm, Qwen3DecoderConfig c)
    {
        for (var i = 0; i < c.LayerCount; i++)
        {
            foreach (var (suffix, _, isMatrix) in OfficialTensorNames.LayerTensors)
            {
                var name = OfficialTensorNames.Layer(prefix, i, suffix);
                var shape = OfficialCheckpointValidator.LayerShape(suffix, c);
                if (isMatrix)
                {
                    Add(writer, weights, name, shape, SyntheticWeights.LinearScale((int)shape[1]));
                }
                else
                {
                    AddNorm(writer, weights, name, (int)shape[0]);
                }
            }
        }
        AddNorm(writer, weights, norm, c.HiddenSize);
    }

    private static void Add(SafetensorsWriter writer, SyntheticWeights weights, string name, long[] shape, float scale) =>
        writer.Add(name, shape, Stored, weights.Rows(name, (int)shape[^1], scale));

    private static void AddNorm(SafetensorsWriter writer, SyntheticWeights weights, string name, int length) =>
        writer.Add(name, [length], weights.CreateNorm(name, length), Stored);
}
