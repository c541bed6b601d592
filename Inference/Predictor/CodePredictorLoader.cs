using Qwen3Tts.Inference.Formats.Gguf;
using Qwen3Tts.Inference.Formats.Npy;
using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Models.Store;
using Qwen3Tts.Inference.Qwen3;

namespace Qwen3Tts.Inference.Predictor;

/// <summary>
/// Loads the code predictor from the seed's GGUF (`qwen3-tts` arch, `code_pred.*` tensors) into the
/// managed engine's weights (see <see cref="Qwen3GgufStack"/> for how each matrix type is kept).
/// </summary>
public static class CodePredictorLoader
{
    public const string Architecture = "qwen3-tts";
    private const int DefaultLayerCount = 5;

    public static CodePredictorWeights Load(PredictorFiles files)
    {
        using var gguf = GgufFile.Open(files.Gguf);
        var arch = gguf.Metadata.TryGetString("general.architecture", out var a) ? a : "";
        if (arch != Architecture)
        {
            throw new ModelFormatException($"the code predictor must be a '{Architecture}' GGUF with code_pred.* tensors, this one is '{arch}'", files.Gguf);
        }
        var layerKey = $"{Architecture}.code_predictor.layer_count";
        var config = Qwen3GgufLayout.ReadConfig(gguf, Architecture, layerKey);
        if (!gguf.Metadata.Contains(layerKey))
        {
            config = config with { LayerCount = DefaultLayerCount };
        }
        var stack = Qwen3GgufStack.Load(gguf, "code_pred.blk", "code_pred.output_norm.weight", config);

        var embeddings = new float[CodePredictorWeights.GroupCount][];
        var heads = new QuantizedMatrix[CodePredictorWeights.GroupCount];
        for (var g = 0; g < embeddings.Length; g++)
        {
            var embd = $"code_pred.codec_embd.{g}.weight";
            gguf.ExpectShape(embd, config.HiddenSize, CodecTokenIds.CodebookSize);
            embeddings[g] = gguf.ReadFloat32(embd);
            heads[g] = Qwen3GgufStack.Matrix(gguf, $"code_pred.lm_head.{g}.weight");
        }

        return new CodePredictorWeights(stack, embeddings, heads, TalkerCodecEmbedding(gguf, files, config.HiddenSize), TtsPad(files, config.HiddenSize));
    }

    // The full model file carries the talker's codec table; the stripped one may rely on the npy copy.
    private static float[] TalkerCodecEmbedding(GgufFile gguf, PredictorFiles files, int hidden)
    {
        if (gguf.TryGetTensor("talker.codec_embd.weight", out _))
        {
            gguf.ExpectShape("talker.codec_embd.weight", hidden, CodecTokenIds.TalkerVocabSize);
            return gguf.ReadFloat32("talker.codec_embd.weight");
        }
        using var npy = NpyFile.Open(files.CodecEmbedding);
        npy.ExpectShape(CodecTokenIds.TalkerVocabSize, hidden);
        return npy.ReadAllFloat32();
    }

    private static float[] TtsPad(PredictorFiles files, int hidden)
    {
        if (files.TtsPadEmbedding is null)
        {
            throw new ModelFormatException(
                "the predictor needs tts_pad_embed.npy (the tts_pad text vector is part of every feedback embedding); run `qwen3-tts models pull --role predictor`",
                Path.Combine(files.Directory, "embeddings", "tts_pad_embed.npy"));
        }
        using var npy = NpyFile.Open(files.TtsPadEmbedding);
        npy.ExpectShape(hidden);
        return npy.ReadAllFloat32();
    }
}
