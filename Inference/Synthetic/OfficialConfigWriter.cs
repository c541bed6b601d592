using System.Text.Json;
using Qwen3Tts.Inference.Formats;
using Qwen3Tts.Inference.Models;

namespace Qwen3Tts.Inference.Synthetic;

/// <summary>
/// Writes config.json and generation_config.json with the keys (and, for the published sizes, the values)
/// of the released snapshots: every id from the published tables, the talker and code-predictor
/// configs separately, and speaker_encoder_config for Base.
/// </summary>
internal static class OfficialConfigWriter
{
    private static readonly JsonWriterOptions Indented = new() { Indented = true };

    public static void WriteConfig(string path, OfficialSyntheticPreset preset, ModelVariant variant)
    {
        var ids = TtsModelIds.Published;
        AtomicFile.Write(path, stream =>
        {
            using var json = new Utf8JsonWriter(stream, Indented);
            json.WriteStartObject();
            json.WriteStartArray("architectures");
            json.WriteStringValue("Qwen3TTSForConditionalGeneration");
            json.WriteEndArray();
            json.WriteNumber("assistant_token_id", ids.Assistant);
            json.WriteNumber("im_end_token_id", ids.ImEnd);
            json.WriteNumber("im_start_token_id", ids.ImStart);
            json.WriteString("model_type", "qwen3_tts");
            if (variant == ModelVariant.Base)
            {
                json.WritePropertyName("speaker_encoder_config");
                preset.SpeakerEncoder.WriteJson(json);
            }
            json.WriteStartObject("talker_config");
            json.WriteBoolean("attention_bias", false);
            json.WriteNumber("codec_bos_id", ids.CodecBos);
            json.WriteNumber("codec_eos_token_id", ids.CodecEos);
            json.WriteStartObject("codec_language_id");
            foreach (var (name, id) in ids.Languages.OrderBy(l => l.Value))
            {
                json.WriteNumber(name, id);
            }
            json.WriteEndObject();
            json.WriteNumber("codec_nothink_id", ids.CodecNoThink);
            json.WriteNumber("codec_pad_id", ids.CodecPad);
            json.WriteNumber("codec_think_bos_id", ids.CodecThinkBos);
            json.WriteNumber("codec_think_eos_id", ids.CodecThinkEos);
            json.WriteNumber("codec_think_id", ids.CodecThink);
            json.WriteStartObject("code_predictor_config");
            Decoder(json, preset.Predictor, vocab: CodecTokenIds.CodebookSize);
            json.WriteString("model_type", "qwen3_tts_talker_code_predictor");
            json.WriteEndObject();
            Decoder(json, preset.Talker, vocab: ids.TalkerVocabSize);
            json.WriteString("model_type", "qwen3_tts_talker");
            json.WriteNumber("position_id_per_seconds", 13);
            json.WriteStartObject("rope_scaling");
            json.WriteBoolean("interleaved", true);
            json.WriteStartArray("mrope_section");
            // The sections split head_dim/2; at the published head_dim 128 they are [24, 20, 20].
            var half = preset.Talker.HeadDim / 2;
            var third = half * 20 / 64;
            json.WriteNumberValue(half - 2 * third);
            json.WriteNumberValue(third);
            json.WriteNumberValue(third);
            json.WriteEndArray();
            json.WriteString("rope_type", "default");
            json.WriteEndObject();
            var speakers = variant == ModelVariant.CustomVoice;
            json.WriteStartObject("spk_id");
            foreach (var (name, id) in speakers ? TtsModelIds.PublishedSpeakers : new Dictionary<string, int>())
            {
                json.WriteNumber(name, id);
            }
            json.WriteEndObject();
            json.WriteStartObject("spk_is_dialect");
            foreach (var (name, dialect) in speakers ? TtsModelIds.PublishedSpeakerDialects : new Dictionary<string, string?>())
            {
                if (dialect is null)
                {
                    json.WriteBoolean(name, false);
                }
                else
                {
                    json.WriteString(name, dialect);
                }
            }
            json.WriteEndObject();
            json.WriteNumber("text_hidden_size", preset.TextHiddenSize);
            json.WriteNumber("text_vocab_size", ids.TextVocabSize);
            json.WriteEndObject();
            json.WriteString("tokenizer_type", "qwen3_tts_tokenizer_12hz");
            json.WriteString("torch_dtype", "bfloat16");
            json.WriteString("transformers_version", "4.57.3");
            json.WriteNumber("tts_bos_token_id", ids.TtsBos);
            json.WriteNumber("tts_eos_token_id", ids.TtsEos);
            json.WriteString("tts_model_size", preset.SizeTag);
            json.WriteString("tts_model_type", variant.ConfigName());
            json.WriteNumber("tts_pad_token_id", ids.TtsPad);
            json.WriteEndObject();
        });
    }

    public static void WriteGenerationConfig(string path) => AtomicFile.Write(path, stream =>
    {
        using var json = new Utf8JsonWriter(stream, Indented);
        json.WriteStartObject();
        json.WriteBoolean("do_sample", true);
        json.WriteNumber("repetition_penalty", 1.05);
        json.WriteNumber("temperature", 0.9);
        json.WriteNumber("top_p", 1.0);
        json.WriteNumber("top_k", 50);
        json.WriteBoolean("subtalker_dosample", true);
        json.WriteNumber("subtalker_temperature", 0.9);
        json.WriteNumber("subtalker_top_p", 1.0);
        json.WriteNumber("subtalker_top_k", 50);
        json.WriteNumber("max_new_tokens", 8192);
        json.WriteEndObject();
    });

    private static void Decoder(Utf8JsonWriter json, Qwen3DecoderConfig c, int vocab)
    {
        json.WriteNumber("head_dim", c.HeadDim);
        json.WriteString("hidden_act", "silu");
        json.WriteNumber("hidden_size", c.HiddenSize);
        json.WriteNumber("intermediate_size", c.FeedForwardSize);
        json.WriteNumber("max_position_embeddings", c.ContextLength);
        json.WriteNumber("num_attention_heads", c.HeadCount);
        json.WriteNumber("num_code_groups", CodecTokenIds.CodebookCount);
        json.WriteNumber("num_hidden_layers", c.LayerCount);
        json.WriteNumber("num_key_value_heads", c.KeyValueHeadCount);
        json.WriteNumber("rms_norm_eps", c.RmsNormEpsilon);
        json.WriteNumber("rope_theta", c.RopeTheta);
        json.WriteNumber("vocab_size", vocab);
    }
}
