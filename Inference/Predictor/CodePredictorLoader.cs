using Qwen3Tts.Inference.Formats.Gguf;
using Qwen3Tts.Inference.Formats.Npy;
using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Models.Store;
using Qwen3Tts.Inference.Qwen3;

namespace Qwen3Tts.Inference.Predictor;

/// <summary>
/// Loads the code predictor from the seed's GGUF (`qwen3-tts` arch, `code_pred.*` tensors) into the
/// managed engine's weights. Q8_0 matrices are kept as their blocks (no copy into f32); f32 stays f32;
/// other quantizations (the seed's Q4_0 file) are re-quantized to Q8_0, the format the int8 kernels run.
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
        Qwen3GgufLayout.ValidateStack(gguf, "code_pred.blk", "code_pred.output_norm.weight", config);

        var layers = new Qwen3LayerWeights[config.LayerCount];
        for (var i = 0; i < layers.Length; i++)
        {
            var p = $"code_pred.blk.{i}";
            layers[i] = new Qwen3LayerWeights(
                gguf.ReadFloat32($"{p}.attn_norm.weight"),
                Matrix(gguf, $"{p}.attn_q.weight"),
                Matrix(gguf, $"{p}.attn_k.weight"),
                Matrix(gguf, $"{p}.attn_v.weight"),
                Matrix(gguf, $"{p}.attn_output.weight"),
                gguf.ReadFloat32($"{p}.attn_q_norm.weight"),
                gguf.ReadFloat32($"{p}.attn_k_norm.weight"),
                gguf.ReadFloat32($"{p}.ffn_norm.weight"),
                Matrix(gguf, $"{p}.ffn_gate.weight"),
                Matrix(gguf, $"{p}.ffn_up.weight"),
                Matrix(gguf, $"{p}.ffn_down.weight"));
        }
        var stack = new Qwen3StackWeights(config, layers, gguf.ReadFloat32("code_pred.output_norm.weight"), "code_pred.blk");

        var embeddings = new float[CodePredictorWeights.GroupCount][];
        var heads = new QuantizedMatrix[CodePredictorWeights.GroupCount];
        for (var g = 0; g < embeddings.Length; g++)
        {
            var embd = $"code_pred.codec_embd.{g}.weight";
            gguf.ExpectShape(embd, config.HiddenSize, CodecTokenIds.CodebookSize);
            embeddings[g] = gguf.ReadFloat32(embd);
            heads[g] = Matrix(gguf, $"code_pred.lm_head.{g}.weight");
        }

        return new CodePredictorWeights(stack, embeddings, heads, TalkerCodecEmbedding(gguf, files, config.HiddenSize), TtsPad(files, config.HiddenSize));
    }

    private static QuantizedMatrix Matrix(GgufFile gguf, string name)
    {
        var t = gguf.GetTensor(name);
        if (t.Dimensions.Length != 2)
        {
            throw new ModelFormatException($"expected a matrix, found shape {TensorShape.Format(t.Dimensions)}", gguf.Path, name);
        }
        int cols = checked((int)t.Dimensions[0]), rows = checked((int)t.Dimensions[1]);
        return t.Type switch
        {
            GgmlType.Q8_0 => QuantizedMatrix.FromQ8_0(gguf.GetTensorBytes(t), rows, cols),
            GgmlType.F32 => QuantizedMatrix.FromFloat32(gguf.ReadFloat32(name), rows, cols),
            _ => QuantizedMatrix.QuantizeToQ8_0(gguf.ReadFloat32(name), rows, cols),
        };
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
