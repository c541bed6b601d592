using Qwen3Tts.Inference.Formats.Gguf;
using Qwen3Tts.Inference.Formats.Npy;
using Qwen3Tts.Inference.Models;

namespace Qwen3Tts.Inference.Synthetic;

/// <summary>
/// Writes the predictor role in the seed's layout: the stripped `qwen3-tts` GGUF with `code_pred.*`
/// tensors (+ `talker.codec_embd.weight`), the f32 npz copy of the 15 codebook tables and heads that
/// the talker uses for voice-clone prompts, and the predictor's npy tables.
/// </summary>
internal static class SyntheticPredictorWriter
{
    public const string Architecture = "qwen3-tts";

    public static void Write(string roleDirectory, SyntheticPreset preset, SyntheticWeights weights)
    {
        var h = preset.Talker.HiddenSize;
        var codePredictor = Path.Combine(roleDirectory, "code_predictor");
        var embeddings = Path.Combine(roleDirectory, "embeddings");
        Directory.CreateDirectory(codePredictor);
        Directory.CreateDirectory(embeddings);

        WriteGguf(Path.Combine(codePredictor, "code-predictor-q8_0.gguf"), preset, weights);
        WriteNpz(Path.Combine(codePredictor, "code_predictor_weights.npz"), preset, weights);
        NpyWriter.Write(Path.Combine(embeddings, "codec_embedding.npy"),
            weights.Create(SyntheticTensorNames.TalkerCodecEmbedding, CodecTokenIds.TalkerVocabSize, h, 1f), [CodecTokenIds.TalkerVocabSize, h]);
        NpyWriter.Write(Path.Combine(embeddings, "tts_pad_embed.npy"),
            SyntheticProjection.Create(preset, weights).TtsPad(preset, weights), [h]);
    }

    private static void WriteGguf(string path, SyntheticPreset preset, SyntheticWeights weights)
    {
        var c = preset.Predictor;
        var h = preset.Talker.HiddenSize;
        var gguf = new GgufWriter(Architecture);
        gguf.AddString("general.name", $"qwen3-tts code predictor (synthetic {preset.Name}, seed {weights.Seed})");
        gguf.AddUInt32("general.file_type", 7);
        // The seed's stripped file keeps the full model's hyper-parameters: block_count is the talker's.
        Qwen3GgufTensors.AddHyperParameters(gguf, Architecture, c with { LayerCount = preset.Talker.LayerCount });
        gguf.AddUInt32($"{Architecture}.code_predictor.layer_count", (uint)c.LayerCount);

        Qwen3GgufTensors.AddLayers(gguf, weights, "code_pred.blk", "code_pred.output_norm.weight", c, preset.WeightType);
        for (var g = 0; g < CodecTokenIds.CodebookCount - 1; g++)
        {
            // Embedding tables stay f32 so the GGUF and the npz copy agree exactly.
            gguf.AddTensor($"code_pred.codec_embd.{g}.weight", [h, CodecTokenIds.CodebookSize], GgmlType.F32,
                weights.Rows(SyntheticTensorNames.PredictorCodecEmbedding(g), h, 1f));
            gguf.AddTensor($"code_pred.lm_head.{g}.weight", [c.HiddenSize, CodecTokenIds.CodebookSize], preset.WeightType,
                weights.Rows(SyntheticTensorNames.PredictorHead(g), c.HiddenSize, HeadScale(c.HiddenSize)));
        }
        gguf.AddTensor("talker.codec_embd.weight", [h, CodecTokenIds.TalkerVocabSize], GgmlType.F32,
            weights.Rows(SyntheticTensorNames.TalkerCodecEmbedding, h, 1f));
        gguf.WriteTo(path);
    }

    private static void WriteNpz(string path, SyntheticPreset preset, SyntheticWeights weights)
    {
        var h = preset.Talker.HiddenSize;
        var ch = preset.Predictor.HiddenSize;
        using var npz = new NpzWriter(path);
        for (var g = 0; g < CodecTokenIds.CodebookCount - 1; g++)
        {
            npz.Add($"codec_emb_{g}", weights.Create(SyntheticTensorNames.PredictorCodecEmbedding(g), CodecTokenIds.CodebookSize, h, 1f),
                [CodecTokenIds.CodebookSize, h]);
            npz.Add($"lm_head_{g}", weights.Create(SyntheticTensorNames.PredictorHead(g), CodecTokenIds.CodebookSize, ch, HeadScale(ch)),
                [CodecTokenIds.CodebookSize, ch]);
        }
    }

    // Heads a little sharper than unit variance so the random predictor does not sample uniformly.
    private static float HeadScale(int hidden) => SyntheticWeights.LinearScale(hidden) * 4f;
}
