using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Predictor;
using Qwen3Tts.Inference.Qwen3;

namespace Qwen3Tts.Inference.Checkpoints;

/// <summary>
/// The code predictor's managed weights from an official model.safetensors: the 5-layer stack of
/// <c>talker.code_predictor.model</c>, its 15 heads and codebook tables, the talker's codec table (which
/// embeds code 0), P(tts_pad) and — when the predictor is narrower than the talker — small_to_mtp_projection.
/// Matrices are held in the requested precision where the engine has that format (see <see cref="PredictorMatrices"/>).
/// </summary>
public static class OfficialPredictorLoader
{
    public static CodePredictorWeights Load(OfficialCheckpoint checkpoint, WeightPrecision precision, ILogger? logger = null)
    {
        logger ??= NullLogger.Instance;
        var config = checkpoint.Config;
        var w = checkpoint.Weights;
        var format = PredictorMatrices.FormatFor(precision);
        var headFormat = PredictorMatrices.HeadFormat(format);
        logger.LogDebug("predictor matrices: stack {Stack}, heads {Heads}", format, headFormat);
        var c = config.Predictor;

        var layers = new Qwen3LayerWeights[c.LayerCount];
        for (var i = 0; i < layers.Length; i++)
        {
            string Name(string suffix) => OfficialTensorNames.Layer(OfficialTensorNames.PredictorPrefix, i, suffix);
            QuantizedMatrix Matrix(string suffix) => PredictorMatrices.Read(w, Name(suffix), format);
            layers[i] = new Qwen3LayerWeights(
                w.ReadFloat32(Name("input_layernorm.weight")),
                Matrix("self_attn.q_proj.weight"),
                Matrix("self_attn.k_proj.weight"),
                Matrix("self_attn.v_proj.weight"),
                Matrix("self_attn.o_proj.weight"),
                w.ReadFloat32(Name("self_attn.q_norm.weight")),
                w.ReadFloat32(Name("self_attn.k_norm.weight")),
                w.ReadFloat32(Name("post_attention_layernorm.weight")),
                Matrix("mlp.gate_proj.weight"),
                Matrix("mlp.up_proj.weight"),
                Matrix("mlp.down_proj.weight"));
        }
        var stack = new Qwen3StackWeights(c, layers, w.ReadFloat32(OfficialTensorNames.PredictorNorm), "talker.code_predictor.model.");

        var embeddings = new float[CodePredictorWeights.GroupCount][];
        var heads = new QuantizedMatrix[CodePredictorWeights.GroupCount];
        for (var k = 0; k < embeddings.Length; k++)
        {
            embeddings[k] = w.ReadFloat32(OfficialTensorNames.PredictorCodecEmbedding(k));
            heads[k] = PredictorMatrices.Read(w, OfficialTensorNames.PredictorHead(k), headFormat);
        }
        PredictorInputProjection? projection = config.HasInputProjection
            ? new PredictorInputProjection(PredictorMatrices.Read(w, OfficialTensorNames.MtpProjectionWeight, headFormat), w.ReadFloat32(OfficialTensorNames.MtpProjectionBias))
            : null;
        var ttsPad = OfficialTalkerEmbeddings.ProjectedTtsPad(checkpoint, OfficialTalkerEmbeddings.LoadProjection(checkpoint));
        return new CodePredictorWeights(stack, embeddings, heads, w.ReadFloat32(OfficialTensorNames.CodecEmbedding), ttsPad, projection);
    }
}
