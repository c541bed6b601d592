using Qwen3Tts.Inference.Vocoder;

namespace Qwen3Tts.Inference.Models.Store;

/// <summary>
/// The search orders of the models tree, per role. These mirror the seed's loaders so a tree
/// downloaded from the Hugging Face repo (or copied by hand) resolves the same way.
/// </summary>
public static class ModelLayout
{
    public const string TalkerGguf = "talker GGUF";
    public const string Tokenizer = "tokenizer";
    public const string TextEmbedding = "text_embedding";
    public const string TextProjectionFc1Weight = "text_projection_linear_fc1_weight";
    public const string TextProjectionFc1Bias = "text_projection_linear_fc1_bias";
    public const string TextProjectionFc2Weight = "text_projection_linear_fc2_weight";
    public const string TextProjectionFc2Bias = "text_projection_linear_fc2_bias";
    public const string CodecEmbedding = "codec_embedding";
    public const string CodecHead = "codec_head";
    public const string TtsPadEmbedding = "tts_pad_embed";
    public const string CodePredictorWeights = "code_predictor_weights";
    public const string PredictorGguf = "predictor GGUF";
    public const string VocoderOnnx = "vocoder ONNX";
    public const string SpeechTokenizerWeights = "speech tokenizer weights";
    public const string SpeechTokenizerConfig = "speech tokenizer config";

    /// <summary>
    /// The talker and predictor share one npz (per-group codec tables for ICL cloning); it may sit
    /// in either role's tree, including the nested layout some snapshots have.
    /// </summary>
    private static readonly string[] CodePredictorWeightsCandidates =
    [
        "talker/code_predictor/code_predictor_weights.npz",
        "predictor/code_predictor/code_predictor_weights.npz",
        "predictor/predictor/code_predictor/code_predictor_weights.npz",
    ];

    public static IReadOnlyList<ModelFileSlot> SlotsFor(ModelRole role, PredictorQuant quant, VocoderEngine vocoder = VocoderEngine.Native) => role switch
    {
        ModelRole.Talker => TalkerSlots,
        ModelRole.Predictor => PredictorSlots(quant),
        ModelRole.Vocoder => vocoder == VocoderEngine.Onnx ? OnnxVocoderSlots : NativeVocoderSlots,
        ModelRole.SpeechTokenizer => SpeechTokenizerSlots,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "unknown model role"),
    };

    /// <summary>GGUF names in <c>predictor/code_predictor/</c>, preferred quant first.</summary>
    public static IReadOnlyList<string> PredictorGgufCandidates(PredictorQuant quant)
    {
        string[] names = quant == PredictorQuant.Q4_0
            ?
            [
                "code-predictor-q4_0.gguf", "code-predictor-q8_0.gguf",
                "qwen3-tts-0.6b-q4_0.gguf", "qwen3-tts-0.6b-q8_0.gguf", "qwen3-tts-0.6b-f16.gguf",
            ]
            :
            [
                "code-predictor-q8_0.gguf", "code-predictor-q4_0.gguf",
                "qwen3-tts-0.6b-q8_0.gguf", "qwen3-tts-0.6b-q4_0.gguf", "qwen3-tts-0.6b-f16.gguf",
            ];
        return Array.ConvertAll(names, name => "predictor/code_predictor/" + name);
    }

    private static readonly IReadOnlyList<ModelFileSlot> TalkerSlots =
    [
        new(TalkerGguf, true, ["talker/talker.gguf", "talker/talker-q4_0.gguf", "talker/talker-q8_0.gguf"]),
        new(Tokenizer, true, ["talker/tokenizer.json", "talker/tokenizer/tokenizer.json"]),
        TalkerEmbedding(TextEmbedding),
        TalkerEmbedding(TextProjectionFc1Weight),
        TalkerEmbedding(TextProjectionFc1Bias),
        TalkerEmbedding(TextProjectionFc2Weight),
        TalkerEmbedding(TextProjectionFc2Bias),
        TalkerEmbedding(CodecEmbedding),
        TalkerEmbedding(CodecHead),
        new(TtsPadEmbedding, false, ["talker/embeddings/tts_pad_embed.npy"],
            "recomputed from the text embedding"),
        new(CodePredictorWeights, false, CodePredictorWeightsCandidates,
            "voice cloning (ICL) falls back to the talker codec table and loses intelligibility"),
    ];

    private static ModelFileSlot TalkerEmbedding(string name) => new(name, true, [$"talker/embeddings/{name}.npy"]);

    private static IReadOnlyList<ModelFileSlot> PredictorSlots(PredictorQuant quant) =>
    [
        new(PredictorGguf, true, PredictorGgufCandidates(quant)),
        new(CodecEmbedding, true, ["predictor/embeddings/codec_embedding.npy"]),
        new(TtsPadEmbedding, false, ["predictor/embeddings/tts_pad_embed.npy"],
            "recomputed from the text embedding"),
        new(CodePredictorWeights, false, CodePredictorWeightsCandidates,
            "not needed by the GGUF predictor"),
    ];

    /// <summary>The default vocoder is the decoder half of the speech tokenizer file (the seed's layout ships no config.json).</summary>
    private static readonly IReadOnlyList<ModelFileSlot> NativeVocoderSlots =
    [
        new(SpeechTokenizerWeights, true, ["speech_tokenizer/model.safetensors"]),
        new(SpeechTokenizerConfig, false, ["speech_tokenizer/config.json"], "the published decoder dimensions are assumed and checked against the tensors"),
    ];

    /// <summary><c>--vocoder onnx</c>: the seed's fixed-window export.</summary>
    private static readonly IReadOnlyList<ModelFileSlot> OnnxVocoderSlots =
    [
        new(VocoderOnnx, true, ["vocoder/vocoder.onnx", "vocoder/vocoder_64.onnx", "vocoder/vocoder_256.onnx"]),
    ];

    private static readonly IReadOnlyList<ModelFileSlot> SpeechTokenizerSlots =
    [
        new(SpeechTokenizerWeights, true, ["speech_tokenizer/model.safetensors"]),
    ];
}
