namespace Qwen3Tts.Inference.Vocoder;

/// <summary>The two synthetic vocoder presets.</summary>
public enum SyntheticVocoderSize
{
    /// <summary>Same graph, tiny widths: a file of about 1 MB that decodes a window in milliseconds.</summary>
    Tiny,

    /// <summary>The real Qwen3-TTS-Tokenizer-12Hz decoder dimensions, so it costs what the real decoder costs.</summary>
    Full06B,
}

/// <summary>
/// Dimensions of the synthetic codec decoder. Field meanings follow the decoder config in
/// qwen3-tts-model.md §4.3 (codebook_dim is the projected width; each codebook row is <see cref="CodebookRowDim"/> wide).
/// </summary>
public sealed record SyntheticVocoderConfig
{
    public const int CodebookCount = 16;
    public const int CodebookSize = 2048;
    public const int SamplesPerFrame = 1920;

    public required int CodebookRowDim { get; init; }
    public required int CodebookDim { get; init; }
    public required int LatentDim { get; init; }
    public required int HiddenSize { get; init; }
    public required int LayerCount { get; init; }
    public required int HeadCount { get; init; }
    public required int HeadDim { get; init; }
    public required int FeedForwardSize { get; init; }
    public required int DecoderDim { get; init; }
    public int SlidingWindow { get; init; } = 72;
    public float RopeTheta { get; init; } = 10000f;
    public float RmsNormEpsilon { get; init; } = 1e-5f;

    /// <summary>Initial value of every transformer layer scale. The real init is 0.01; 0.1 keeps the
    /// transformer's (long-range) influence on the synthetic audio visible.</summary>
    public float LayerScale { get; init; } = 0.1f;

    public int[] UpsamplingRatios { get; init; } = [2, 2];
    public int[] UpsampleRates { get; init; } = [8, 5, 4, 3];

    public static SyntheticVocoderConfig Tiny { get; } = new()
    {
        CodebookRowDim = 8,
        CodebookDim = 16,
        LatentDim = 32,
        HiddenSize = 16,
        LayerCount = 2,
        HeadCount = 2,
        HeadDim = 8,
        FeedForwardSize = 32,
        DecoderDim = 32,
    };

    public static SyntheticVocoderConfig Full06B { get; } = new()
    {
        CodebookRowDim = 256,
        CodebookDim = 512,
        LatentDim = 1024,
        HiddenSize = 512,
        LayerCount = 8,
        HeadCount = 16,
        HeadDim = 64,
        FeedForwardSize = 1024,
        DecoderDim = 1536,
    };

    public static SyntheticVocoderConfig For(SyntheticVocoderSize size) => size switch
    {
        SyntheticVocoderSize.Tiny => Tiny,
        SyntheticVocoderSize.Full06B => Full06B,
        _ => throw new ArgumentOutOfRangeException(nameof(size), size, "unknown synthetic vocoder size"),
    };

    /// <summary>Product of all upsampling factors; must be <see cref="SamplesPerFrame"/>.</summary>
    public int TotalUpsampling => UpsamplingRatios.Concat(UpsampleRates).Aggregate(1, (a, b) => a * b);
}
