using Qwen3Tts.Inference.Models;

namespace Qwen3Tts.Inference.Checkpoints;

/// <summary>
/// An official snapshot's <c>config.json</c> (model_type <c>qwen3_tts</c>), with the talker and the code
/// predictor as separate decoder configs (1.7B: talker hidden 2048, predictor 1024) and every id.
/// The config classes' Python defaults are wrong for the released checkpoints, so nothing the
/// checkpoints define is defaulted here: a missing key is a load error naming it.
/// </summary>
/// <param name="SizeTag"><c>tts_model_size</c>: "0b6" or "1b7".</param>
/// <param name="Talker">The 28-layer talker LLM.</param>
/// <param name="TextHiddenSize"><c>talker_config.text_hidden_size</c>: width of the text embedding (2048 in both sizes).</param>
/// <param name="CodeGroups"><c>num_code_groups</c>: 16.</param>
/// <param name="Predictor">The 5-layer code predictor (<c>talker_config.code_predictor_config</c>).</param>
/// <param name="PredictorVocabSize">Codes per codebook head (2048).</param>
/// <param name="SpeakerEmbeddingSize"><c>speaker_encoder_config.enc_dim</c> (Base only; = talker hidden).</param>
public sealed record CheckpointConfig(
    string Path,
    ModelVariant Variant,
    string SizeTag,
    string? TokenizerType,
    Qwen3DecoderConfig Talker,
    int TextHiddenSize,
    int CodeGroups,
    Qwen3DecoderConfig Predictor,
    int PredictorVocabSize,
    int? SpeakerEmbeddingSize,
    TtsModelIds Ids)
{
    /// <summary>The predictor is narrower than the talker: its inputs go through small_to_mtp_projection.</summary>
    public bool HasInputProjection => Predictor.HiddenSize != Talker.HiddenSize;

    public ModelCapabilities Capabilities => ModelCapabilities.For(ModelSetLayout.Official, Variant, SizeTag, Ids);
}
