namespace Qwen3Tts.Inference.Sampling;

/// <summary>How an utterance ends (<c>--eos</c>, the HTTP <c>eos</c> field).</summary>
public enum EosMode
{
    /// <summary>
    /// The official behaviour: the talker stops when it samples EOS (never in its first 2 frames), capped only by
    /// the frame limit (default: generation_config.json's max_new_tokens). No boost and no forced stop.
    /// </summary>
    Official,

    /// <summary>The Rust seed's schedule: an EOS boost from 0.6× a character-based estimate and a forced stop at 1.5× (<see cref="EosOptions"/>).</summary>
    Seed,

    /// <summary>EOS is masked at every step: exactly the frame limit is generated (benchmarks and checks).</summary>
    Never,
}

public static class EosModes
{
    /// <summary>The mode a request gets when it names none: the seed's schedule goes with the seed's sampling, the official otherwise.</summary>
    public static EosMode Effective(EosMode? requested, SamplingPreset sampling) =>
        requested ?? (sampling == SamplingPreset.Seed ? EosMode.Seed : EosMode.Official);

    public static bool TryParse(string? text, out EosMode mode) =>
        Enum.TryParse(text?.Trim(), ignoreCase: true, out mode) && Enum.IsDefined(mode) && !int.TryParse(text, out _);
}
