using System.Text;
using System.Text.Json;
using Qwen3Tts.Inference.Formats;
using Qwen3Tts.Inference.Codec.Encoder;

namespace Qwen3Tts.Inference.Codec;

/// <summary>
/// Writes <c>speech_tokenizer/config.json</c> and <c>preprocessor_config.json</c> with the keys and layout of the
/// published files (Qwen3TTSTokenizerV2Config: top-level rates, <c>decoder_config</c>, and the MimiConfig
/// <c>encoder_config</c> block the audio encoder writes; an EncodecFeatureExtractor), so synthetic sets are read
/// by exactly the code that reads real ones.
/// </summary>
public static class SpeechTokenizerConfigWriter
{
    public const string ConfigFileName = "config.json";
    public const string PreprocessorFileName = "preprocessor_config.json";
    public const int OutputSampleRate = 24000;

    public static void Write(string directory, SpeechTokenizerDecoderConfig decoder, MimiEncoderConfig encoder)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        ArgumentNullException.ThrowIfNull(encoder);
        Directory.CreateDirectory(directory);
        WriteJson(Path.Combine(directory, ConfigFileName), json => WriteConfig(json, decoder, encoder));
        WriteJson(Path.Combine(directory, PreprocessorFileName), json => WritePreprocessor(json, encoder.SampleRate));
    }

    /// <summary>The config text as it is written (for tests).</summary>
    public static string Render(SpeechTokenizerDecoderConfig decoder, MimiEncoderConfig encoder)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            WriteConfig(json, decoder, encoder);
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteConfig(Utf8JsonWriter json, SpeechTokenizerDecoderConfig d, MimiEncoderConfig encoder)
    {
        json.WriteStartObject();
        json.WriteStartArray("architectures");
        json.WriteStringValue("Qwen3TTSTokenizerV2Model");
        json.WriteEndArray();
        json.WriteNumber("decode_upsample_rate", d.SamplesPerFrame);
        json.WriteStartObject("decoder_config");
        json.WriteBoolean("attention_bias", d.AttentionBias);
        json.WriteNumber("attention_dropout", d.AttentionDropout);
        json.WriteNumber("codebook_dim", d.CodebookDim);
        json.WriteNumber("codebook_size", d.CodebookSize);
        json.WriteNumber("decoder_dim", d.DecoderDim);
        json.WriteNumber("head_dim", d.HeadDim);
        json.WriteString("hidden_act", d.HiddenAct);
        json.WriteNumber("hidden_size", d.HiddenSize);
        json.WriteNumber("intermediate_size", d.IntermediateSize);
        json.WriteNumber("latent_dim", d.LatentDim);
        json.WriteNumber("layer_scale_initial_scale", d.LayerScaleInitialScale);
        json.WriteNumber("max_position_embeddings", d.MaxPositionEmbeddings);
        json.WriteNumber("num_attention_heads", d.AttentionHeads);
        json.WriteNumber("num_hidden_layers", d.HiddenLayers);
        json.WriteNumber("num_key_value_heads", d.KeyValueHeads);
        json.WriteNumber("num_quantizers", d.Quantizers);
        json.WriteNumber("num_semantic_quantizers", d.SemanticQuantizers);
        json.WriteNumber("rms_norm_eps", d.RmsNormEps);
        json.WriteNumber("rope_theta", d.RopeTheta);
        json.WriteNumber("semantic_codebook_size", d.SemanticCodebookSize);
        json.WriteNumber("sliding_window", d.SlidingWindow);
        WriteInts(json, "upsample_rates", d.UpsampleRates);
        WriteInts(json, "upsampling_ratios", d.UpsamplingRatios);
        json.WriteNumber("vector_quantization_hidden_dimension", d.VectorQuantizationHiddenDimension);
        json.WriteEndObject();
        json.WriteNumber("encode_downsample_rate", encoder.EncodeDownsampleRate);
        encoder.WriteJson(json);
        json.WriteNumber("encoder_valid_num_quantizers", encoder.ValidQuantizers);
        json.WriteNumber("input_sample_rate", encoder.SampleRate);
        json.WriteString("model_type", SpeechTokenizerConfig.ModelType);
        json.WriteNumber("output_sample_rate", OutputSampleRate);
        json.WriteString("transformers_version", "4.57.3");
        json.WriteEndObject();
    }

    private static void WritePreprocessor(Utf8JsonWriter json, int sampleRate)
    {
        json.WriteStartObject();
        json.WriteNull("chunk_length_s");
        json.WriteString("feature_extractor_type", "EncodecFeatureExtractor");
        json.WriteNumber("feature_size", 1);
        json.WriteNull("overlap");
        json.WriteString("padding_side", "right");
        json.WriteNumber("padding_value", 0.0);
        json.WriteBoolean("return_attention_mask", true);
        json.WriteNumber("sampling_rate", sampleRate);
        json.WriteEndObject();
    }

    private static void WriteInts(Utf8JsonWriter json, string name, IEnumerable<int> values)
    {
        json.WriteStartArray(name);
        foreach (var v in values)
        {
            json.WriteNumberValue(v);
        }
        json.WriteEndArray();
    }

    private static void WriteJson(string path, Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            write(json);
        }
        buffer.WriteByte((byte)'\n');
        var bytes = buffer.ToArray();
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }
}
