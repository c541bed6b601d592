using Qwen3Tts.Inference.Codec;
using Qwen3Tts.Inference.Formats.Gguf;
using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Codec.Encoder;
using Qwen3Tts.Inference.Vocoder;

namespace Qwen3Tts.Inference.Synthetic;

/// <summary>
/// Dimensions of a synthetic model set. <see cref="Tiny"/> has the real structure at toy widths
/// (tests); <see cref="Full06B"/> has the real 0.6B dimensions (benchmarks), so it costs what
/// the real weights cost.
/// </summary>
public sealed record SyntheticPreset(
    string Name,
    Qwen3DecoderConfig Talker,
    Qwen3DecoderConfig Predictor,
    int TextHiddenSize,
    int TalkerGgufVocabRows,
    bool TalkerGgufCarriesTextTokenizer,
    GgmlType WeightType,
    SyntheticVocoderSize Vocoder,
    MimiEncoderConfig SpeechTokenizer,
    SpeechTokenizerDecoderConfig Decoder)
{
    /// <summary>
    /// Toy widths, same structure: head_dim * heads != hidden like the real talker, Q8_0 weights.
    /// The talker GGUF keeps only the 3072 codec rows (the runtime shape) to stay a few MB.
    /// </summary>
    public static SyntheticPreset Tiny { get; } = new(
        "tiny",
        new Qwen3DecoderConfig(2, 32, 4, 2, 16, 64, 1e-6f, 1_000_000f, 4096),
        new Qwen3DecoderConfig(2, 32, 4, 2, 16, 64, 1e-6f, 1_000_000f, 65536),
        TextHiddenSize: 8,
        TalkerGgufVocabRows: CodecTokenIds.TalkerVocabSize,
        TalkerGgufCarriesTextTokenizer: false,
        WeightType: GgmlType.Q8_0,
        Vocoder: SyntheticVocoderSize.Tiny,
        SpeechTokenizer: MimiEncoderConfig.Tiny,
        Decoder: SpeechTokenizerDecoderConfig.Tiny);

    /// <summary>
    /// The real 0.6B: 28-layer talker, 5-layer predictor, 151936 x 2048 text table, Q8_0 GGUFs whose
    /// token_embd/output are padded to the text vocabulary exactly as the seed's converter leaves them.
    /// </summary>
    public static SyntheticPreset Full06B { get; } = new(
        "0.6b",
        Qwen3DecoderConfig.Talker06B,
        Qwen3DecoderConfig.Predictor06B,
        TextHiddenSize: 2048,
        TalkerGgufVocabRows: TextTokenIds.TextVocabSize,
        TalkerGgufCarriesTextTokenizer: true,
        WeightType: GgmlType.Q8_0,
        Vocoder: SyntheticVocoderSize.Full06B,
        SpeechTokenizer: MimiEncoderConfig.Published,
        Decoder: SpeechTokenizerDecoderConfig.Published);

    public static SyntheticPreset Parse(string name) => name.ToLowerInvariant() switch
    {
        "tiny" => Tiny,
        "0.6b" or "06b" or "full" => Full06B,
        _ => throw new ArgumentException($"unknown synthetic preset '{name}'; use tiny or 0.6b", nameof(name)),
    };
}
