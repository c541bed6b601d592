using System.Text.Json;

namespace Qwen3Tts.Inference.Codec.Encoder;

/// <summary>
/// The audio encoder's settings: the <c>encoder_config</c> block of <c>speech_tokenizer/config.json</c> (a
/// transformers MimiConfig, whose defaults apply to absent keys) plus the top-level
/// <c>encoder_valid_num_quantizers</c>, <c>encode_downsample_rate</c> and <c>input_sample_rate</c>.
/// Values the encoder does not implement (non-causal convs, a conv shortcut, another activation, stereo input)
/// are refused with the key that says so, rather than computed some other way.
/// </summary>
public sealed record MimiEncoderConfig
{
    public int SampleRate { get; init; } = 24000;
    public int AudioChannels { get; init; } = 1;
    public int Filters { get; init; } = 64;
    public int KernelSize { get; init; } = 7;
    public int LastKernelSize { get; init; } = 3;
    public int ResidualKernelSize { get; init; } = 3;
    public int ResidualLayers { get; init; } = 1;
    public int DilationGrowthRate { get; init; } = 2;
    public int Compress { get; init; } = 2;

    /// <summary>The decoder's order, as the config stores them; the encoder applies them reversed.</summary>
    public IReadOnlyList<int> UpsamplingRatios { get; init; } = [8, 6, 5, 4];

    public bool CausalConv { get; init; } = true;
    public string PadMode { get; init; } = "constant";
    public bool ConvShortcut { get; init; }
    public int HiddenSize { get; init; } = 512;
    public int TransformerLayers { get; init; } = 8;
    public int AttentionHeads { get; init; } = 8;
    public int KeyValueHeads { get; init; } = 8;
    public int? HeadDimOverride { get; init; }
    public int IntermediateSize { get; init; } = 2048;
    public string HiddenAct { get; init; } = "gelu";
    public double NormEps { get; init; } = 1e-5;
    public double RopeTheta { get; init; } = 10000;
    public bool AttentionBias { get; init; }
    public int MaxPositionEmbeddings { get; init; } = 8000;

    /// <summary>
    /// Kept for the record only: transformers 4.57 applies it in its flash-attention path alone, and the
    /// official code loads the speech tokenizer with the default (SDPA) attention, which is plainly causal.
    /// </summary>
    public int SlidingWindow { get; init; } = 250;

    public double LayerScaleInitialScale { get; init; } = 0.01;
    public int CodebookSize { get; init; } = 2048;
    public int CodebookDim { get; init; } = 256;
    public int VectorQuantizationHiddenDimension { get; init; } = 256;
    public int Quantizers { get; init; } = 32;
    public int SemanticQuantizers { get; init; } = 1;

    /// <summary><c>_frame_rate</c> when the config states it; otherwise derived from the strides.</summary>
    public double? StatedFrameRate { get; init; }

    /// <summary>Codebooks kept per frame (top-level <c>encoder_valid_num_quantizers</c>).</summary>
    public int ValidQuantizers { get; init; } = 16;

    /// <summary>Top-level <c>encode_downsample_rate</c>: samples per output frame.</summary>
    public int EncodeDownsampleRate { get; init; } = 1920;

    /// <summary>The released Qwen3-TTS-Tokenizer-12Hz values (MimiConfig defaults with head_dim 64, 12.5 Hz).</summary>
    public static MimiEncoderConfig Published { get; } = new() { HeadDimOverride = 64, StatedFrameRate = 12.5 };

    /// <summary>The real structure (strides, kernels, 1 + 15 codebooks of 2048) at toy widths, for tests.</summary>
    public static MimiEncoderConfig Tiny { get; } = new()
    {
        Filters = 4,
        HiddenSize = 16,
        TransformerLayers = 2,
        AttentionHeads = 2,
        KeyValueHeads = 2,
        HeadDimOverride = 8,
        IntermediateSize = 32,
        CodebookDim = 8,
        VectorQuantizationHiddenDimension = 8,
        Quantizers = 16,
        StatedFrameRate = 12.5,
    };

    public int HeadDim => HeadDimOverride ?? HiddenSize / AttentionHeads;

    /// <summary>SEANet downsampling ratios in the order the encoder applies them.</summary>
    public IReadOnlyList<int> EncoderRatios => UpsamplingRatios.Reverse().ToArray();

    /// <summary>Samples per SEANet output row (960 in the release: 25 Hz).</summary>
    public int SeanetHop => UpsamplingRatios.Aggregate(1, (a, b) => a * b);

    /// <summary>MimiConfig.encodec_frame_rate: ceil(rate / hop).</summary>
    public int EncodecFrameRate => (SampleRate + SeanetHop - 1) / SeanetHop;

    public double FrameRate => StatedFrameRate ?? SampleRate / (double)(SeanetHop * (HasDownsample ? DownsampleStride : 1));

    public bool HasDownsample => FrameRate != EncodecFrameRate;

    /// <summary>The learned downsample conv: stride 2 (fixed in MimiModel), kernel 2 · int(encodec rate / frame rate).</summary>
    public int DownsampleStride => 2;

    public int DownsampleKernel => 2 * (int)(EncodecFrameRate / FrameRate);

    public int SamplesPerFrame => SeanetHop * (HasDownsample ? DownsampleStride : 1);

    public int AcousticQuantizers => Quantizers - SemanticQuantizers;

    /// <summary>Reads <c>config.json</c>; absent keys take MimiConfig's defaults, a missing <c>encoder_config</c> the published values.</summary>
    public static MimiEncoderConfig Load(string configPath)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(configPath));
        }
        catch (JsonException ex)
        {
            throw new ModelFormatException($"not valid JSON ({ex.Message})", configPath, inner: ex);
        }
        using (document)
        {
            return Parse(document.RootElement, configPath);
        }
    }

    /// <summary>Parses a whole speech-tokenizer config object (top-level keys and its <c>encoder_config</c>).</summary>
    public static MimiEncoderConfig Parse(JsonElement root, string source)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new ModelFormatException("the speech tokenizer config must be a JSON object", source);
        }
        var top = new JsonConfigReader(root, source, "");
        var config = root.TryGetProperty("encoder_config", out var block) && block.ValueKind == JsonValueKind.Object
            ? ParseEncoderBlock(new JsonConfigReader(block, source, "encoder_config."))
            : Published;
        config = config with
        {
            ValidQuantizers = top.Int("encoder_valid_num_quantizers", 16),
            EncodeDownsampleRate = top.Int("encode_downsample_rate", 1920),
            SampleRate = top.Int("input_sample_rate", config.SampleRate),
        };
        config.Validate(source);
        return config;
    }

    private static MimiEncoderConfig ParseEncoderBlock(JsonConfigReader e) => new()
    {
        SampleRate = e.Int("sampling_rate", 24000),
        AudioChannels = e.Int("audio_channels", 1),
        Filters = e.Int("num_filters", 64),
        KernelSize = e.Int("kernel_size", 7),
        LastKernelSize = e.Int("last_kernel_size", 3),
        ResidualKernelSize = e.Int("residual_kernel_size", 3),
        ResidualLayers = e.Int("num_residual_layers", 1),
        DilationGrowthRate = e.Int("dilation_growth_rate", 2),
        Compress = e.Int("compress", 2),
        UpsamplingRatios = e.IntList("upsampling_ratios", [8, 6, 5, 4]),
        CausalConv = e.Bool("use_causal_conv", true),
        PadMode = e.String("pad_mode", "constant"),
        ConvShortcut = e.Bool("use_conv_shortcut", false),
        HiddenSize = e.Int("hidden_size", 512),
        TransformerLayers = e.Int("num_hidden_layers", 8),
        AttentionHeads = e.Int("num_attention_heads", 8),
        KeyValueHeads = e.Int("num_key_value_heads", 8),
        HeadDimOverride = e.OptionalInt("head_dim"),
        IntermediateSize = e.Int("intermediate_size", 2048),
        HiddenAct = e.String("hidden_act", "gelu"),
        NormEps = e.Double("norm_eps", 1e-5),
        RopeTheta = e.RopeTheta(10000),
        AttentionBias = e.Bool("attention_bias", false),
        MaxPositionEmbeddings = e.Int("max_position_embeddings", 8000),
        SlidingWindow = e.Int("sliding_window", 250),
        LayerScaleInitialScale = e.Double("layer_scale_initial_scale", 0.01),
        CodebookSize = e.Int("codebook_size", 2048),
        CodebookDim = e.OptionalInt("codebook_dim") ?? e.Int("hidden_size", 512),
        VectorQuantizationHiddenDimension = e.Int("vector_quantization_hidden_dimension", 256),
        Quantizers = e.Int("num_quantizers", 32),
        SemanticQuantizers = e.Int("num_semantic_quantizers", 1),
        StatedFrameRate = e.OptionalDouble("_frame_rate") ?? e.OptionalDouble("frame_rate"),
    };

    /// <summary>Refuses what the encoder does not compute, naming the key.</summary>
    public void Validate(string source)
    {
        void Require(bool ok, string problem)
        {
            if (!ok)
            {
                throw new ModelFormatException(problem, source);
            }
        }

        Require(AudioChannels == 1, $"encoder_config.audio_channels is {AudioChannels}; the encoder takes mono audio (1)");
        Require(CausalConv, "encoder_config.use_causal_conv is false; only the causal Mimi encoder is implemented");
        Require(PadMode is "constant" or "replicate", $"encoder_config.pad_mode '{PadMode}' is not implemented (constant or replicate)");
        Require(!ConvShortcut, "encoder_config.use_conv_shortcut is true; only the identity shortcut is implemented");
        Require(HiddenAct == "gelu", $"encoder_config.hidden_act '{HiddenAct}' is not implemented (gelu)");
        Require(Filters > 0 && HiddenSize > 0 && IntermediateSize > 0 && TransformerLayers >= 0, "encoder_config has a non-positive width");
        Require(KernelSize > 0 && LastKernelSize > 0 && ResidualKernelSize > 0 && ResidualLayers >= 0 && Compress > 0 && DilationGrowthRate > 0,
            "encoder_config has a non-positive kernel size, compress or dilation");
        Require(UpsamplingRatios.Count > 0 && UpsamplingRatios.All(r => r > 0), "encoder_config.upsampling_ratios must be positive integers");
        Require(AttentionHeads > 0 && KeyValueHeads > 0 && AttentionHeads % KeyValueHeads == 0,
            $"encoder_config: {AttentionHeads} attention heads cannot share {KeyValueHeads} key/value heads");
        Require(HeadDim > 0 && HeadDim % 2 == 0, $"encoder_config.head_dim {HeadDim} must be even (rotary pairs)");
        Require(CodebookDim == VectorQuantizationHiddenDimension,
            $"encoder_config.codebook_dim ({CodebookDim}) differs from vector_quantization_hidden_dimension ({VectorQuantizationHiddenDimension})");
        Require(SemanticQuantizers >= 1 && SemanticQuantizers < Quantizers,
            $"encoder_config: {SemanticQuantizers} semantic quantizers of {Quantizers} (need 1 ≤ semantic < total)");
        Require(ValidQuantizers >= SemanticQuantizers && ValidQuantizers <= Quantizers,
            $"encoder_valid_num_quantizers {ValidQuantizers} is outside {SemanticQuantizers}..{Quantizers}");
        Require(CodebookSize > 1, "encoder_config.codebook_size must be above 1");
        Require(FrameRate > 0 && (!HasDownsample || DownsampleKernel >= DownsampleStride),
            $"encoder frame rate {FrameRate} Hz does not follow from a SEANet rate of {EncodecFrameRate} Hz");
        Require(SamplesPerFrame == EncodeDownsampleRate,
            $"encode_downsample_rate is {EncodeDownsampleRate}, but the encoder's strides multiply to {SamplesPerFrame}");
    }

    /// <summary>Writes the <c>encoder_config</c> object with MimiConfig's keys (as the published file has them).</summary>
    public void WriteJson(Utf8JsonWriter json)
    {
        json.WriteStartObject("encoder_config");
        if (StatedFrameRate is { } frameRate)
        {
            json.WriteNumber("_frame_rate", frameRate);
        }
        json.WriteBoolean("attention_bias", AttentionBias);
        json.WriteNumber("attention_dropout", 0.0);
        json.WriteNumber("audio_channels", AudioChannels);
        json.WriteNumber("codebook_dim", CodebookDim);
        json.WriteNumber("codebook_size", CodebookSize);
        json.WriteNumber("compress", Compress);
        json.WriteNumber("dilation_growth_rate", DilationGrowthRate);
        json.WriteNumber("head_dim", HeadDim);
        json.WriteString("hidden_act", HiddenAct);
        json.WriteNumber("hidden_size", HiddenSize);
        json.WriteNumber("initializer_range", 0.02);
        json.WriteNumber("intermediate_size", IntermediateSize);
        json.WriteNumber("kernel_size", KernelSize);
        json.WriteNumber("last_kernel_size", LastKernelSize);
        json.WriteNumber("layer_scale_initial_scale", LayerScaleInitialScale);
        json.WriteNumber("max_position_embeddings", MaxPositionEmbeddings);
        json.WriteString("model_type", "mimi");
        json.WriteNumber("norm_eps", NormEps);
        json.WriteNumber("num_attention_heads", AttentionHeads);
        json.WriteNumber("num_filters", Filters);
        json.WriteNumber("num_hidden_layers", TransformerLayers);
        json.WriteNumber("num_key_value_heads", KeyValueHeads);
        json.WriteNumber("num_quantizers", Quantizers);
        json.WriteNumber("num_residual_layers", ResidualLayers);
        json.WriteNumber("num_semantic_quantizers", SemanticQuantizers);
        json.WriteString("pad_mode", PadMode);
        json.WriteNumber("residual_kernel_size", ResidualKernelSize);
        json.WriteNumber("rope_theta", RopeTheta);
        json.WriteNumber("sampling_rate", SampleRate);
        json.WriteNumber("sliding_window", SlidingWindow);
        json.WriteNumber("trim_right_ratio", 1.0);
        json.WriteNumber("upsample_groups", HiddenSize);
        json.WriteStartArray("upsampling_ratios");
        foreach (var r in UpsamplingRatios)
        {
            json.WriteNumberValue(r);
        }
        json.WriteEndArray();
        json.WriteBoolean("use_cache", false);
        json.WriteBoolean("use_causal_conv", CausalConv);
        json.WriteBoolean("use_conv_shortcut", ConvShortcut);
        json.WriteNumber("vector_quantization_hidden_dimension", VectorQuantizationHiddenDimension);
        json.WriteEndObject();
    }

    public bool Equals(MimiEncoderConfig? other) =>
        other is not null && EqualityContract == other.EqualityContract && ToComparable() == other.ToComparable();

    public override int GetHashCode() => ToComparable().GetHashCode(StringComparison.Ordinal);

    // Records compare lists by reference; two configs read from equal files must be equal.
    private string ToComparable()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            WriteJson(json);
            json.WriteNumber("valid", ValidQuantizers);
            json.WriteNumber("rate", EncodeDownsampleRate);
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
