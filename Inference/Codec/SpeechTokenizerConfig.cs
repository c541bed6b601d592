using System.Text.Json;
using Qwen3Tts.Inference.Codec.Encoder;

namespace Qwen3Tts.Inference.Codec;

/// <summary>
/// <c>speech_tokenizer/config.json</c> (Qwen3TTSTokenizerV2Config, model_type <c>qwen3_tts_tokenizer_12hz</c>):
/// the top-level rates and the decoder block. The <c>encoder_config</c> block (a MimiConfig) is kept as raw
/// JSON for the audio encoder. The seed's layout ships no config.json; <see cref="Published"/> stands in then.
/// </summary>
public sealed record SpeechTokenizerConfig
{
    public const string ModelType = "qwen3_tts_tokenizer_12hz";

    public int EncoderValidQuantizers { get; init; } = 16;

    public int InputSampleRate { get; init; } = 24000;

    public int OutputSampleRate { get; init; } = 24000;

    public int DecodeUpsampleRate { get; init; } = 1920;

    public int EncodeDownsampleRate { get; init; } = 1920;

    public required SpeechTokenizerDecoderConfig Decoder { get; init; }

    /// <summary>The <c>encoder_config</c> object as found (null when absent).</summary>
    public JsonElement? EncoderConfig { get; init; }

    public static SpeechTokenizerConfig Published { get; } = new() { Decoder = SpeechTokenizerDecoderConfig.Published };

    /// <summary>Reads and validates a config.json; every error names the file and the key.</summary>
    public static SpeechTokenizerConfig Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new ModelFormatException("speech tokenizer config not found", path);
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException ex)
        {
            throw new ModelFormatException($"not valid JSON ({ex.Message})", path, inner: ex);
        }
        using (document)
        {
            return Parse(document.RootElement, path);
        }
    }

    public static SpeechTokenizerConfig Parse(JsonElement root, string source)
    {
        var reader = new JsonConfigReader(root, source, "");
        var modelType = reader.String("model_type", ModelType);
        if (modelType != ModelType)
        {
            throw new ModelFormatException($"model_type is '{modelType}', expected '{ModelType}' (a Qwen3-TTS 12 Hz speech tokenizer)", source);
        }
        if (!root.TryGetProperty("decoder_config", out var decoderElement) || decoderElement.ValueKind != JsonValueKind.Object)
        {
            throw new ModelFormatException("decoder_config is missing or not an object", source);
        }
        var d = new JsonConfigReader(decoderElement, source, "decoder_config.");
        var decoder = new SpeechTokenizerDecoderConfig
        {
            CodebookSize = d.Int("codebook_size", 2048),
            CodebookDim = d.OptionalInt("codebook_dim") ?? throw new ModelFormatException("decoder_config.codebook_dim is required", source),
            HiddenSize = d.Int("hidden_size", 1024),
            LatentDim = d.Int("latent_dim", 1024),
            MaxPositionEmbeddings = d.Int("max_position_embeddings", 8000),
            RopeTheta = d.RopeTheta(10000),
            AttentionHeads = d.Int("num_attention_heads", 16),
            KeyValueHeads = d.Int("num_key_value_heads", 16),
            HeadDimOverride = d.OptionalInt("head_dim"),
            AttentionBias = d.Bool("attention_bias", false),
            SlidingWindow = d.Int("sliding_window", 72),
            IntermediateSize = d.Int("intermediate_size", 3072),
            HiddenAct = d.String("hidden_act", "silu"),
            LayerScaleInitialScale = d.Double("layer_scale_initial_scale", 0.01),
            RmsNormEps = d.Double("rms_norm_eps", 1e-5),
            HiddenLayers = d.Int("num_hidden_layers", 8),
            Quantizers = d.Int("num_quantizers", 16),
            SemanticQuantizers = d.Int("num_semantic_quantizers", 1),
            SemanticCodebookSize = d.Int("semantic_codebook_size", 4096),
            VectorQuantizationHiddenDimension = d.Int("vector_quantization_hidden_dimension", 512),
            UpsampleRates = d.IntList("upsample_rates", [8, 5, 4, 3]),
            UpsamplingRatios = d.IntList("upsampling_ratios", [2, 2]),
            DecoderDim = d.Int("decoder_dim", 1536),
            AttentionDropout = d.Double("attention_dropout", 0),
        };
        decoder.Validate(source);
        var config = new SpeechTokenizerConfig
        {
            EncoderValidQuantizers = reader.Int("encoder_valid_num_quantizers", 16),
            InputSampleRate = reader.Int("input_sample_rate", 24000),
            OutputSampleRate = reader.Int("output_sample_rate", 24000),
            DecodeUpsampleRate = reader.Int("decode_upsample_rate", 1920),
            EncodeDownsampleRate = reader.Int("encode_downsample_rate", 1920),
            Decoder = decoder,
            EncoderConfig = root.TryGetProperty("encoder_config", out var encoder) ? encoder.Clone() : null,
        };
        if (config.DecodeUpsampleRate != decoder.SamplesPerFrame)
        {
            throw new ModelFormatException(
                $"decode_upsample_rate is {config.DecodeUpsampleRate}, but the decoder's strides multiply to {decoder.SamplesPerFrame}", source);
        }
        if (decoder.Quantizers < config.EncoderValidQuantizers)
        {
            throw new ModelFormatException(
                $"decoder_config.num_quantizers ({decoder.Quantizers}) is below encoder_valid_num_quantizers ({config.EncoderValidQuantizers})", source);
        }
        return config;
    }
}
