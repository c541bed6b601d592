using Qwen3Tts.Inference.Vocoder;

namespace Qwen3Tts.Inference.Models.Store;

/// <summary>The repo paths <c>models pull</c> downloads for a role: exactly what that role's loader needs.</summary>
public static class ModelManifest
{
    private static readonly string[] TalkerEmbeddingNames =
    [
        "text_embedding", "codec_embedding", "codec_head",
        "text_projection_linear_fc1_weight", "text_projection_linear_fc1_bias",
        "text_projection_linear_fc2_weight", "text_projection_linear_fc2_bias",
        "tts_pad_embed",
    ];

    public static IReadOnlyList<string> FilesFor(ModelRole role, PredictorQuant quant, VocoderEngine vocoder = VocoderEngine.Native) => role switch
    {
        ModelRole.Talker =>
        [
            "talker/talker-q8_0.gguf",
            "talker/tokenizer.json",
            .. TalkerEmbeddingNames.Select(name => $"talker/embeddings/{name}.npy"),
            // The seed left this out, so a talker-only node cloned voices with the wrong codec tables.
            "predictor/code_predictor/code_predictor_weights.npz",
        ],
        ModelRole.Predictor =>
        [
            quant == PredictorQuant.Q4_0
                ? "predictor/code_predictor/code-predictor-q4_0.gguf"
                : "predictor/code_predictor/code-predictor-q8_0.gguf",
            "predictor/embeddings/codec_embedding.npy",
            "predictor/embeddings/tts_pad_embed.npy",
        ],
        ModelRole.Vocoder => vocoder == VocoderEngine.Onnx ? ["vocoder/vocoder.onnx"] : ["speech_tokenizer/model.safetensors"],
        ModelRole.SpeechTokenizer => ["speech_tokenizer/model.safetensors"],
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "unknown model role"),
    };
}
