namespace Qwen3Tts.Inference.Checkpoints;

/// <summary>
/// The state-dict names of <c>Qwen3TTSForConditionalGeneration</c> as they appear in the published
/// <c>model.safetensors</c> (see README.md in this folder for how each was derived from the module tree).
/// </summary>
public static class OfficialTensorNames
{
    public const string TalkerPrefix = "talker.model.layers";
    public const string TalkerNorm = "talker.model.norm.weight";
    public const string TextEmbedding = "talker.model.text_embedding.weight";
    public const string CodecEmbedding = "talker.model.codec_embedding.weight";
    public const string CodecHead = "talker.codec_head.weight";
    public const string ProjectionFc1Weight = "talker.text_projection.linear_fc1.weight";
    public const string ProjectionFc1Bias = "talker.text_projection.linear_fc1.bias";
    public const string ProjectionFc2Weight = "talker.text_projection.linear_fc2.weight";
    public const string ProjectionFc2Bias = "talker.text_projection.linear_fc2.bias";

    public const string PredictorPrefix = "talker.code_predictor.model.layers";
    public const string PredictorNorm = "talker.code_predictor.model.norm.weight";
    public const string MtpProjectionWeight = "talker.code_predictor.small_to_mtp_projection.weight";
    public const string MtpProjectionBias = "talker.code_predictor.small_to_mtp_projection.bias";

    public const string SpeakerEncoderPrefix = "speaker_encoder.";

    /// <summary>codec_embedding[k] embeds codebook k+1 (k = 0..14), width = talker hidden.</summary>
    public static string PredictorCodecEmbedding(int k) => $"talker.code_predictor.model.codec_embedding.{k}.weight";

    /// <summary>lm_head[k] predicts codebook k+1 (k = 0..14).</summary>
    public static string PredictorHead(int k) => $"talker.code_predictor.lm_head.{k}.weight";

    /// <summary>
    /// One decoder layer's tensors, each with its llama.cpp GGUF suffix (the talker runtime GGUF and the
    /// predictor loader both walk this list). Both stacks use the same layer names.
    /// </summary>
    public static IReadOnlyList<(string Suffix, string GgufSuffix, bool IsMatrix)> LayerTensors { get; } =
    [
        ("input_layernorm.weight", "attn_norm.weight", false),
        ("self_attn.q_proj.weight", "attn_q.weight", true),
        ("self_attn.k_proj.weight", "attn_k.weight", true),
        ("self_attn.v_proj.weight", "attn_v.weight", true),
        ("self_attn.o_proj.weight", "attn_output.weight", true),
        ("self_attn.q_norm.weight", "attn_q_norm.weight", false),
        ("self_attn.k_norm.weight", "attn_k_norm.weight", false),
        ("post_attention_layernorm.weight", "ffn_norm.weight", false),
        ("mlp.gate_proj.weight", "ffn_gate.weight", true),
        ("mlp.up_proj.weight", "ffn_up.weight", true),
        ("mlp.down_proj.weight", "ffn_down.weight", true),
    ];

    public static string Layer(string prefix, int layer, string suffix) => $"{prefix}.{layer}.{suffix}";
}
