namespace Qwen3Tts.Inference.Codec;

/// <summary>
/// The <c>decoder_config</c> block of <c>speech_tokenizer/config.json</c> (Qwen3TTSTokenizerV2DecoderConfig).
/// <see cref="Published"/> holds the released checkpoint's values (qwen3-tts-model.md §4.3); the Python
/// class defaults differ (hidden 1024, intermediate 3072) and are only used for keys a file leaves out.
/// The official code ignores <c>semantic_codebook_size</c> and <c>vector_quantization_hidden_dimension</c>:
/// every codebook has <see cref="CodebookSize"/> rows of <see cref="CodebookDim"/> / 2.
/// </summary>
public sealed record SpeechTokenizerDecoderConfig
{
    public int CodebookSize { get; init; } = 2048;

    /// <summary>Width of the dequantised latent; each codebook row is half of it.</summary>
    public required int CodebookDim { get; init; }

    public int HiddenSize { get; init; } = 1024;

    public int LatentDim { get; init; } = 1024;

    public int MaxPositionEmbeddings { get; init; } = 8000;

    public double RopeTheta { get; init; } = 10000;

    public int AttentionHeads { get; init; } = 16;

    public int KeyValueHeads { get; init; } = 16;

    /// <summary>Per-head width; the class falls back to hidden / heads when the key is absent.</summary>
    public int? HeadDimOverride { get; init; }

    public bool AttentionBias { get; init; }

    /// <summary>Keys each query sees, itself included (the HF mask keeps key j for query i when i − window &lt; j ≤ i).</summary>
    public int SlidingWindow { get; init; } = 72;

    public int IntermediateSize { get; init; } = 3072;

    public string HiddenAct { get; init; } = "silu";

    public double LayerScaleInitialScale { get; init; } = 0.01;

    public double RmsNormEps { get; init; } = 1e-5;

    public int HiddenLayers { get; init; } = 8;

    public int Quantizers { get; init; } = 16;

    public int SemanticQuantizers { get; init; } = 1;

    /// <summary>Written as published; unused by the decoder (see the type comment).</summary>
    public int SemanticCodebookSize { get; init; } = 4096;

    /// <summary>Written as published; unused by the decoder.</summary>
    public int VectorQuantizationHiddenDimension { get; init; } = 512;

    /// <summary>Strides of the SnakeBeta decoder blocks (each a ConvTranspose with kernel 2r).</summary>
    public IReadOnlyList<int> UpsampleRates { get; init; } = [8, 5, 4, 3];

    /// <summary>Strides of the ConvTranspose + ConvNeXt stages after the transformer.</summary>
    public IReadOnlyList<int> UpsamplingRatios { get; init; } = [2, 2];

    public int DecoderDim { get; init; } = 1536;

    public double AttentionDropout { get; init; }

    public int HeadDim => HeadDimOverride ?? HiddenSize / AttentionHeads;

    public int CodebookRowDim => CodebookDim / 2;

    public int QueryWidth => AttentionHeads * HeadDim;

    public int KeyValueWidth => KeyValueHeads * HeadDim;

    /// <summary>Audio samples per code frame: the product of every upsampling stride (1920 for the 12 Hz codec).</summary>
    public int SamplesPerFrame => UpsamplingRatios.Concat(UpsampleRates).Aggregate(1, (a, b) => a * b);

    /// <summary>Channels after decoder block <paramref name="block"/> (decoder_dim halved block + 1 times).</summary>
    public int BlockOutputChannels(int block) => DecoderDim >> (block + 1);

    /// <summary>The released Qwen3-TTS-Tokenizer-12Hz decoder (every 12 Hz checkpoint ships the same one).</summary>
    public static SpeechTokenizerDecoderConfig Published { get; } = new()
    {
        CodebookDim = 512,
        HiddenSize = 512,
        LatentDim = 1024,
        HeadDimOverride = 64,
        IntermediateSize = 1024,
        DecoderDim = 1536,
    };

    /// <summary>
    /// The synthetic tiny decoder: every layer of the real one (8 transformer layers, so its receptive field is
    /// the real ~580 frames) at toy widths, and the real strides, so a frame is still 1920 samples.
    /// </summary>
    public static SpeechTokenizerDecoderConfig Tiny { get; } = new()
    {
        CodebookDim = 16,
        HiddenSize = 16,
        LatentDim = 32,
        AttentionHeads = 2,
        KeyValueHeads = 2,
        HeadDimOverride = 8,
        IntermediateSize = 32,
        DecoderDim = 32,
        SemanticCodebookSize = 4096,
        VectorQuantizationHiddenDimension = 16,
    };

    /// <summary>Checks what the engine relies on; each failure names the key so a user can fix the file.</summary>
    public void Validate(string source)
    {
        void Require(bool ok, string key, string rule)
        {
            if (!ok)
            {
                throw new ModelFormatException($"decoder_config.{key}: {rule}", source);
            }
        }
        Require(CodebookSize > 0, "codebook_size", "must be positive");
        Require(CodebookDim > 0 && CodebookDim % 2 == 0, "codebook_dim", "must be a positive even number (each codebook row is half of it)");
        Require(HiddenSize > 0, "hidden_size", "must be positive");
        Require(LatentDim > 0, "latent_dim", "must be positive");
        Require(AttentionHeads > 0, "num_attention_heads", "must be positive");
        Require(KeyValueHeads > 0 && AttentionHeads % KeyValueHeads == 0, "num_key_value_heads", "must divide num_attention_heads");
        Require(HeadDim > 0 && HeadDim % 2 == 0, "head_dim", "must be a positive even number (rotary embedding)");
        Require(SlidingWindow >= 1, "sliding_window", "must be at least 1");
        Require(IntermediateSize > 0, "intermediate_size", "must be positive");
        Require(string.Equals(HiddenAct, "silu", StringComparison.OrdinalIgnoreCase), "hidden_act", $"'{HiddenAct}' is not supported (the checkpoints use silu)");
        Require(HiddenLayers >= 0, "num_hidden_layers", "must not be negative");
        Require(Quantizers > SemanticQuantizers && SemanticQuantizers == 1, "num_quantizers",
            "the decoder splits codebook 0 from the rest: needs num_semantic_quantizers 1 and at least 2 quantizers");
        Require(UpsampleRates.Count > 0 && UpsampleRates.All(r => r >= 1), "upsample_rates", "must be a non-empty list of positive strides");
        Require(UpsamplingRatios.All(r => r >= 1), "upsampling_ratios", "must be positive strides");
        Require(DecoderDim >> UpsampleRates.Count >= 1 && DecoderDim % (1 << UpsampleRates.Count) == 0, "decoder_dim",
            $"must halve {UpsampleRates.Count} times (one per upsample rate)");
        Require(RmsNormEps > 0, "rms_norm_eps", "must be positive");
        Require(RopeTheta > 0, "rope_theta", "must be positive");
    }
}
