using Qwen3Tts.Inference.Codec.SpeakerEncoder;
using Qwen3Tts.Inference.Models;

namespace Qwen3Tts.Inference.Synthetic;

/// <summary>
/// Dimensions of a synthetic official snapshot. <see cref="Tiny"/> keeps the real structure at toy widths
/// with a predictor narrower than its talker, so the 1.7B small_to_mtp_projection path runs in the tests;
/// <see cref="Full06B"/> and <see cref="Full17B"/> have the published dimensions (benchmarks, by-hand checks).
/// </summary>
/// <param name="SizeTag">config.json's tts_model_size ("0b6" / "1b7").</param>
/// <param name="Base">The seed-layout preset whose vocoder and speech tokenizer sizes this set shares.</param>
public sealed record OfficialSyntheticPreset(
    string Name,
    string SizeTag,
    Qwen3DecoderConfig Talker,
    Qwen3DecoderConfig Predictor,
    int TextHiddenSize,
    SyntheticPreset Base)
{
    public static OfficialSyntheticPreset Tiny { get; } = new(
        "tiny",
        "1b7",
        new Qwen3DecoderConfig(2, 64, 4, 2, 16, 128, 1e-6f, 1_000_000f, 4096),
        new Qwen3DecoderConfig(2, 32, 4, 2, 16, 64, 1e-6f, 1_000_000f, 65536),
        TextHiddenSize: 16,
        SyntheticPreset.Tiny);

    public static OfficialSyntheticPreset Full06B { get; } = new(
        "0.6b", "0b6", Qwen3DecoderConfig.Talker06B, Qwen3DecoderConfig.Predictor06B, TextHiddenSize: 2048, SyntheticPreset.Full06B);

    public static OfficialSyntheticPreset Full17B { get; } = new(
        "1.7b",
        "1b7",
        new Qwen3DecoderConfig(28, 2048, 16, 8, 128, 6144, 1e-6f, 1_000_000f, 32768),
        Qwen3DecoderConfig.Predictor06B,
        TextHiddenSize: 2048,
        SyntheticPreset.Full06B);

    /// <summary>Base's ECAPA-TDNN: the published network at the real sizes, toy widths for tiny; its x-vector is talker-wide.</summary>
    public SpeakerEncoderConfig SpeakerEncoder =>
        Base == SyntheticPreset.Tiny ? SpeakerEncoderConfig.Tiny(Talker.HiddenSize) : SpeakerEncoderConfig.Official(Talker.HiddenSize);

    public static OfficialSyntheticPreset Parse(string name) => name.ToLowerInvariant() switch
    {
        "tiny" => Tiny,
        "0.6b" or "06b" => Full06B,
        "1.7b" or "17b" => Full17B,
        _ => throw new ArgumentException($"unknown synthetic preset '{name}'; use tiny, 0.6b or 1.7b", nameof(name)),
    };
}
