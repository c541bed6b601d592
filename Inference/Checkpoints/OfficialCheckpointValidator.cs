using Qwen3Tts.Inference.Formats.Safetensors;
using Qwen3Tts.Inference.Models;

namespace Qwen3Tts.Inference.Checkpoints;

/// <summary>
/// Checks that config.json and model.safetensors describe the same model before anything is converted:
/// every talker and predictor tensor has the shape the config implies, and every id the config names is
/// a row of the table it indexes. A disagreement names the config key and the tensor with both values.
/// </summary>
internal static class OfficialCheckpointValidator
{
    public static void Validate(CheckpointConfig config, SafetensorsFile weights)
    {
        var t = config.Talker;
        var p = config.Predictor;
        var ids = config.Ids;
        if (config.CodeGroups != CodecTokenIds.CodebookCount)
        {
            throw JsonFiles.KeyError(config.Path, "talker_config.num_code_groups", $"is {config.CodeGroups}; this engine runs the 16-codebook 12 Hz codec");
        }
        if (config.PredictorVocabSize != CodecTokenIds.CodebookSize)
        {
            throw JsonFiles.KeyError(config.Path, "talker_config.code_predictor_config.vocab_size", $"is {config.PredictorVocabSize}; the 12 Hz codebooks have {CodecTokenIds.CodebookSize} codes");
        }

        Shape(config, weights, OfficialTensorNames.TextEmbedding, [ids.TextVocabSize, config.TextHiddenSize], "talker_config.text_vocab_size x text_hidden_size");
        Shape(config, weights, OfficialTensorNames.CodecEmbedding, [ids.TalkerVocabSize, t.HiddenSize], "talker_config.vocab_size x hidden_size");
        Shape(config, weights, OfficialTensorNames.CodecHead, [ids.TalkerVocabSize, t.HiddenSize], "talker_config.vocab_size x hidden_size");
        Shape(config, weights, OfficialTensorNames.ProjectionFc1Weight, [config.TextHiddenSize, config.TextHiddenSize], "text_hidden_size x text_hidden_size");
        Shape(config, weights, OfficialTensorNames.ProjectionFc1Bias, [config.TextHiddenSize], "text_hidden_size");
        Shape(config, weights, OfficialTensorNames.ProjectionFc2Weight, [t.HiddenSize, config.TextHiddenSize], "hidden_size x text_hidden_size");
        Shape(config, weights, OfficialTensorNames.ProjectionFc2Bias, [t.HiddenSize], "hidden_size");
        Stack(config, weights, OfficialTensorNames.TalkerPrefix, OfficialTensorNames.TalkerNorm, t, "talker_config");
        Stack(config, weights, OfficialTensorNames.PredictorPrefix, OfficialTensorNames.PredictorNorm, p, "talker_config.code_predictor_config");
        for (var k = 0; k < CodecTokenIds.CodebookCount - 1; k++)
        {
            // The predictor's codebook tables are talker-width: they are also summed into the talker's input.
            Shape(config, weights, OfficialTensorNames.PredictorCodecEmbedding(k), [config.PredictorVocabSize, t.HiddenSize], "code_predictor vocab_size x talker hidden_size");
            Shape(config, weights, OfficialTensorNames.PredictorHead(k), [config.PredictorVocabSize, p.HiddenSize], "code_predictor vocab_size x code_predictor hidden_size");
        }
        if (config.HasInputProjection)
        {
            Shape(config, weights, OfficialTensorNames.MtpProjectionWeight, [p.HiddenSize, t.HiddenSize], "code_predictor hidden_size x talker hidden_size");
            Shape(config, weights, OfficialTensorNames.MtpProjectionBias, [p.HiddenSize], "code_predictor hidden_size");
        }
        else if (weights.TryGetTensor(OfficialTensorNames.MtpProjectionWeight, out _))
        {
            throw new ModelFormatException(
                $"the file has a small_to_mtp_projection but config.json gives talker and code predictor the same hidden_size {t.HiddenSize} (the projection is an identity then)",
                weights.Path, OfficialTensorNames.MtpProjectionWeight);
        }
        if (config.SpeakerEmbeddingSize is { } enc && enc != t.HiddenSize)
        {
            throw JsonFiles.KeyError(config.Path, "speaker_encoder_config.enc_dim",
                $"is {enc}, but the x-vector is fed to the talker as one input row of hidden_size {t.HiddenSize}");
        }

        var codecRows = $"the {ids.TalkerVocabSize} rows of {OfficialTensorNames.CodecEmbedding}";
        var textRows = $"the {ids.TextVocabSize} rows of {OfficialTensorNames.TextEmbedding}";
        Id(config, "im_start_token_id", ids.ImStart, ids.TextVocabSize, textRows);
        Id(config, "im_end_token_id", ids.ImEnd, ids.TextVocabSize, textRows);
        Id(config, "assistant_token_id", ids.Assistant, ids.TextVocabSize, textRows);
        Id(config, "tts_pad_token_id", ids.TtsPad, ids.TextVocabSize, textRows);
        Id(config, "tts_bos_token_id", ids.TtsBos, ids.TextVocabSize, textRows);
        Id(config, "tts_eos_token_id", ids.TtsEos, ids.TextVocabSize, textRows);
        foreach (var (key, id) in (ReadOnlySpan<(string, int)>)
                 [("codec_pad_id", ids.CodecPad), ("codec_bos_id", ids.CodecBos), ("codec_eos_token_id", ids.CodecEos),
                  ("codec_think_id", ids.CodecThink), ("codec_nothink_id", ids.CodecNoThink),
                  ("codec_think_bos_id", ids.CodecThinkBos), ("codec_think_eos_id", ids.CodecThinkEos)])
        {
            ControlId(config, $"talker_config.{key}", id, codecRows);
        }
        foreach (var (name, id) in ids.Languages)
        {
            ControlId(config, $"talker_config.codec_language_id.{name}", id, codecRows);
        }
        foreach (var (name, id) in ids.Speakers)
        {
            ControlId(config, $"talker_config.spk_id.{name}", id, codecRows);
        }
    }

    private static void Stack(CheckpointConfig config, SafetensorsFile weights, string prefix, string norm, Qwen3DecoderConfig c, string key)
    {
        var why = $"{key}: hidden_size {c.HiddenSize}, {c.HeadCount} heads / {c.KeyValueHeadCount} kv heads of {c.HeadDim}, intermediate_size {c.FeedForwardSize}";
        for (var i = 0; i < c.LayerCount; i++)
        {
            foreach (var (suffix, _, _) in OfficialTensorNames.LayerTensors)
            {
                Shape(config, weights, OfficialTensorNames.Layer(prefix, i, suffix), LayerShape(suffix, c), why);
            }
        }
        Shape(config, weights, norm, [c.HiddenSize], why);
        var extra = OfficialTensorNames.Layer(prefix, c.LayerCount, OfficialTensorNames.LayerTensors[1].Suffix);
        if (weights.TryGetTensor(extra, out _))
        {
            throw new ModelFormatException($"the file has more layers than {key}.num_hidden_layers = {c.LayerCount} says", weights.Path, extra);
        }
    }

    /// <summary>PyTorch shapes [out, in] of one decoder layer's tensors.</summary>
    internal static long[] LayerShape(string suffix, Qwen3DecoderConfig c) => suffix switch
    {
        "input_layernorm.weight" or "post_attention_layernorm.weight" => [c.HiddenSize],
        "self_attn.q_proj.weight" => [c.QueryWidth, c.HiddenSize],
        "self_attn.k_proj.weight" or "self_attn.v_proj.weight" => [c.KeyValueWidth, c.HiddenSize],
        "self_attn.o_proj.weight" => [c.HiddenSize, c.QueryWidth],
        "self_attn.q_norm.weight" or "self_attn.k_norm.weight" => [c.HeadDim],
        "mlp.gate_proj.weight" or "mlp.up_proj.weight" => [c.FeedForwardSize, c.HiddenSize],
        "mlp.down_proj.weight" => [c.HiddenSize, c.FeedForwardSize],
        _ => throw new ArgumentOutOfRangeException(nameof(suffix), suffix, null),
    };

    private static void Shape(CheckpointConfig config, SafetensorsFile weights, string name, long[] expected, string why)
    {
        if (!weights.TryGetTensor(name, out var info))
        {
            throw new ModelFormatException("tensor is missing (is this an official Qwen3-TTS model.safetensors?)", weights.Path, name);
        }
        if (!SafetensorsDTypes.IsFloat(info.DType))
        {
            throw new ModelFormatException($"expected a float tensor, found {info.DType}", weights.Path, name);
        }
        if (!info.Shape.AsSpan().SequenceEqual(expected))
        {
            throw new ModelFormatException(
                $"shape {TensorShape.Format(info.Shape)} disagrees with {Path.GetFileName(config.Path)} ({why} give {TensorShape.Format(expected)})",
                weights.Path, name);
        }
    }

    private static void Id(CheckpointConfig config, string key, int id, int rows, string table)
    {
        if ((uint)id >= (uint)rows)
        {
            throw JsonFiles.KeyError(config.Path, key, $"= {id} lies outside {table}");
        }
    }

    // Control, language and speaker ids live above the 2048 audio codes; an id among the codes would be generated as audio.
    private static void ControlId(CheckpointConfig config, string key, int id, string table)
    {
        Id(config, key, id, config.Ids.TalkerVocabSize, table);
        if (id < CodecTokenIds.CodebookSize)
        {
            throw JsonFiles.KeyError(config.Path, key, $"= {id} is a codebook-0 audio code (0..{CodecTokenIds.CodebookSize - 1}), not a control row of {table}");
        }
    }
}
