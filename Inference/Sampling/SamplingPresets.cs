namespace Qwen3Tts.Inference.Sampling;

/// <summary>Named sampling configurations a request can pick.</summary>
public enum SamplingPreset
{
    /// <summary>The checkpoint's generation_config.json (Qwen reference implementation).</summary>
    Official,

    /// <summary>The Rust seed system's defaults (darkautism/qwen3-tts); implies the seed's EOS schedule unless one is given.</summary>
    Seed,

    /// <summary>
    /// Deterministic: argmax code 0 under the official suppression (control ids masked, EOS masked for the first
    /// 2 frames), argmax sub-codes, no repetition penalty. How implementations are compared decision by decision.
    /// </summary>
    Greedy,
}

/// <summary>The sampling values of the official model and of the seed system.</summary>
public static class SamplingPresets
{
    /// <summary>Official talker (code 0): T 0.9, top-k 50, no top-p, penalty 1.05 over the whole history, EOS masked for 2 steps.</summary>
    public static SamplingOptions Official { get; } = new(0.9f, 50, 1.0f, 1.05f, 0, 2);

    /// <summary>Official sub-talker (codes 1..15): T 0.9, top-k 50, no top-p, no penalty.</summary>
    public static SamplingOptions OfficialPredictor { get; } = new(0.9f, 50, 1.0f, 1.0f, 0, 0);

    /// <summary>
    /// Seed talker: T 0.8, top-k 50, top-p 0.95, penalty 1.2 over the distinct ids of the last 30,
    /// no EOS mask (the seed could stop at step 0, which it then reported as an error).
    /// The seed ran its steps in another order (suppress, boost, penalty, top-k, temperature, top-p),
    /// which gives the same distribution as the HF order used here: EOS and control ids never enter
    /// the history, so penalty and masks commute, and top-k picks the same set before or after
    /// dividing by the temperature.
    /// </summary>
    public static SamplingOptions SeedTalker { get; } = new(0.8f, 50, 0.95f, 1.2f, 30, 0);

    /// <summary>Seed predictor: T 0.1 (near-greedy), top-k 50, no top-p, no penalty.</summary>
    public static SamplingOptions SeedPredictor { get; } = new(0.1f, 50, 1.0f, 1.0f, 0, 0);

    /// <summary>Greedy talker: argmax, no penalty, EOS masked for 2 steps (the official min_new_tokens).</summary>
    public static SamplingOptions GreedyTalker { get; } = new(1f, 0, 1.0f, 1.0f, 0, 2, DoSample: false);

    /// <summary>Greedy predictor: argmax of every head.</summary>
    public static SamplingOptions GreedyPredictor { get; } = new(1f, 0, 1.0f, 1.0f, 0, 0, DoSample: false);

    /// <summary>The talker and predictor options of a preset.</summary>
    public static (SamplingOptions Talker, SamplingOptions Predictor) For(SamplingPreset preset) => preset switch
    {
        SamplingPreset.Official => (Official, OfficialPredictor),
        SamplingPreset.Seed => (SeedTalker, SeedPredictor),
        SamplingPreset.Greedy => (GreedyTalker, GreedyPredictor),
        _ => throw new ArgumentOutOfRangeException(nameof(preset), preset, "unknown sampling preset"),
    };

    /// <summary>A preset for a loaded model: <see cref="SamplingPreset.Official"/> means the model's own generation_config.json.</summary>
    public static (SamplingOptions Talker, SamplingOptions Predictor) For(SamplingPreset preset, SamplingOptions officialTalker, SamplingOptions officialPredictor) =>
        preset == SamplingPreset.Official ? (officialTalker, officialPredictor) : For(preset);

    /// <summary>Parses a preset name ("official", "seed", "greedy"; case-insensitive).</summary>
    public static bool TryParse(string? name, out SamplingPreset preset)
    {
        preset = default;
        return !string.IsNullOrWhiteSpace(name)
            && !int.TryParse(name, out _)
            && Enum.TryParse(name.Trim(), ignoreCase: true, out preset)
            && Enum.IsDefined(preset);
    }
}
