using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using Qwen3Tts.Inference.Models;

namespace Qwen3Tts.Inference.Checkpoints;

/// <summary>
/// Reads <c>config.json</c> of an official snapshot into a <see cref="CheckpointConfig"/>. Every error
/// names the file and the JSON path of the key at fault.
/// </summary>
public static class CheckpointConfigReader
{
    public const string ModelType = "qwen3_tts";

    public static CheckpointConfig Read(string path)
    {
        using var document = JsonFiles.Parse(path, "config.json");
        return Read(document.RootElement, path);
    }

    internal static CheckpointConfig Read(JsonElement root, string path)
    {
        var json = new JsonReaderAt(root, path, "");
        var modelType = json.String("model_type");
        if (modelType != ModelType)
        {
            throw json.Error("model_type", $"is '{modelType}', expected '{ModelType}' (a Qwen3-TTS checkpoint)");
        }
        var variantName = json.String("tts_model_type");
        if (!ModelVariantNames.TryParse(variantName, out var variant))
        {
            throw json.Error("tts_model_type", $"'{variantName}' is not one of base, custom_voice, voice_design");
        }
        var size = json.String("tts_model_size");
        var talker = json.Object("talker_config");
        var predictor = talker.Object("code_predictor_config");

        var talkerConfig = Decoder(talker, defaultContext: 32768);
        var predictorConfig = Decoder(predictor, defaultContext: 65536);
        var rope = talker.OptionalObject("rope_scaling");
        if (rope is { } scaling && scaling.OptionalString("rope_type") is { } ropeType && ropeType != "default")
        {
            // All three MRoPE streams carry the same positions in the TTS model, which makes rope_type default plain 1-D RoPE.
            throw JsonFiles.KeyError(path, "talker_config.rope_scaling.rope_type", $"'{ropeType}' is not supported (the released checkpoints use 'default')");
        }

        var languages = talker.IntMap("codec_language_id");
        var speakers = talker.OptionalIntMap("spk_id") ?? FrozenDictionary<string, int>.Empty;
        var dialects = talker.OptionalDialectMap("spk_is_dialect") ?? FrozenDictionary<string, string?>.Empty;
        var ids = new TtsModelIds
        {
            ImStart = json.Int("im_start_token_id"),
            ImEnd = json.Int("im_end_token_id"),
            Assistant = json.OptionalInt("assistant_token_id") ?? TextTokenIds.Assistant,
            TtsPad = json.Int("tts_pad_token_id"),
            TtsBos = json.Int("tts_bos_token_id"),
            TtsEos = json.Int("tts_eos_token_id"),
            TextVocabSize = talker.Int("text_vocab_size"),
            CodecPad = talker.Int("codec_pad_id"),
            CodecBos = talker.Int("codec_bos_id"),
            CodecEos = talker.Int("codec_eos_token_id"),
            CodecThink = talker.Int("codec_think_id"),
            CodecNoThink = talker.Int("codec_nothink_id"),
            CodecThinkBos = talker.Int("codec_think_bos_id"),
            CodecThinkEos = talker.Int("codec_think_eos_id"),
            TalkerVocabSize = talker.Int("vocab_size"),
            Languages = languages,
            Speakers = speakers,
            SpeakerDialects = dialects,
        };
        foreach (var (speaker, dialect) in dialects)
        {
            if (dialect is not null && !languages.ContainsKey(dialect))
            {
                throw JsonFiles.KeyError(path, "talker_config.spk_is_dialect",
                    $"speaker '{speaker}' is marked with dialect '{dialect}', which codec_language_id does not define (it has: {string.Join(", ", languages.Keys)})");
            }
        }

        int? speakerWidth = null;
        if (variant == ModelVariant.Base)
        {
            speakerWidth = json.Object("speaker_encoder_config").Int("enc_dim");
        }

        return new CheckpointConfig(
            path, variant, size, json.OptionalString("tokenizer_type"), talkerConfig, talker.Int("text_hidden_size"),
            talker.Int("num_code_groups"), predictorConfig, predictor.Int("vocab_size"), speakerWidth, ids);
    }

    private static Qwen3DecoderConfig Decoder(JsonReaderAt json, int defaultContext)
    {
        var hidden = json.Int("hidden_size");
        var heads = json.Int("num_attention_heads");
        var config = new Qwen3DecoderConfig(
            json.Int("num_hidden_layers"),
            hidden,
            heads,
            json.Int("num_key_value_heads"),
            json.OptionalInt("head_dim") ?? hidden / Math.Max(1, heads),
            json.Int("intermediate_size"),
            (float)json.Number("rms_norm_eps"),
            (float)json.Number("rope_theta"),
            json.OptionalInt("max_position_embeddings") ?? defaultContext);
        if (config.HeadCount <= 0 || config.KeyValueHeadCount <= 0 || config.HeadCount % config.KeyValueHeadCount != 0)
        {
            throw json.Error("num_attention_heads", $"num_attention_heads={config.HeadCount} must be a positive multiple of num_key_value_heads={config.KeyValueHeadCount}");
        }
        if (json.OptionalBool("attention_bias") == true)
        {
            throw json.Error("attention_bias", "attention biases are not supported (the released checkpoints have none)");
        }
        if (json.OptionalString("hidden_act") is { } act && act != "silu")
        {
            throw json.Error("hidden_act", $"hidden_act '{act}' is not supported (the released checkpoints use silu)");
        }
        return config;
    }

    /// <summary>Typed access to one JSON object with errors that name the key path.</summary>
    internal readonly struct JsonReaderAt(JsonElement element, string path, string prefix)
    {
        public ModelFormatException Error(string key, string message) => JsonFiles.KeyError(path, prefix + key, message);

        public JsonReaderAt Object(string key) =>
            Get(key) is { ValueKind: JsonValueKind.Object } value ? new JsonReaderAt(value, path, $"{prefix}{key}.") : throw Error(key, "expected a JSON object");

        public JsonReaderAt? OptionalObject(string key) =>
            element.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.Object ? new JsonReaderAt(value, path, $"{prefix}{key}.") : null;

        public string String(string key) =>
            Get(key) is { ValueKind: JsonValueKind.String } value ? value.GetString()! : throw Error(key, "expected a string");

        public string? OptionalString(string key) =>
            element.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

        public int Int(string key) => ToInt(key, Get(key));

        public int? OptionalInt(string key) =>
            element.TryGetProperty(key, out var value) && value.ValueKind != JsonValueKind.Null ? ToInt(key, value) : null;

        public double Number(string key) =>
            Get(key) is { ValueKind: JsonValueKind.Number } value ? value.GetDouble() : throw Error(key, "expected a number");

        public bool? OptionalBool(string key) =>
            element.TryGetProperty(key, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : null;

        public FrozenDictionary<string, int> IntMap(string key) =>
            OptionalIntMap(key) ?? throw Error(key, "expected an object of name: id");

        public FrozenDictionary<string, int>? OptionalIntMap(string key)
        {
            if (!element.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }
            if (value.ValueKind != JsonValueKind.Object)
            {
                throw Error(key, "expected an object of name: id");
            }
            var map = new Dictionary<string, int>(StringComparer.Ordinal);
            var inner = new JsonReaderAt(value, path, $"{prefix}{key}.");
            foreach (var entry in value.EnumerateObject())
            {
                // The official code looks names up lower-cased.
                map[entry.Name.ToLowerInvariant()] = inner.ToInt(entry.Name, entry.Value);
            }
            return map.ToFrozenDictionary(StringComparer.Ordinal);
        }

        public FrozenDictionary<string, string?>? OptionalDialectMap(string key)
        {
            if (!element.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }
            if (value.ValueKind != JsonValueKind.Object)
            {
                throw Error(key, "expected an object of speaker: false | dialect name");
            }
            var map = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var entry in value.EnumerateObject())
            {
                map[entry.Name.ToLowerInvariant()] = entry.Value.ValueKind switch
                {
                    JsonValueKind.False or JsonValueKind.Null => null,
                    JsonValueKind.String => entry.Value.GetString(),
                    _ => throw JsonFiles.KeyError(path, $"{prefix}{key}.{entry.Name}", "expected false or a dialect name"),
                };
            }
            return map.ToFrozenDictionary(StringComparer.Ordinal);
        }

        private JsonElement Get(string key) =>
            element.TryGetProperty(key, out var value) ? value : throw Error(key, "is missing");

        private int ToInt(string key, JsonElement value)
        {
            if (value.ValueKind == JsonValueKind.Number)
            {
                if (value.TryGetInt32(out var i))
                {
                    return i;
                }
                // Some exporters write integers as 1e6-style floats.
                var d = value.GetDouble();
                if (d == Math.Floor(d) && d is >= int.MinValue and <= int.MaxValue)
                {
                    return (int)d;
                }
            }
            throw Error(key, string.Create(CultureInfo.InvariantCulture, $"expected an integer, found {value.GetRawText()}"));
        }
    }
}
