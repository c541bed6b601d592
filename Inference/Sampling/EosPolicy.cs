namespace Qwen3Tts.Inference.Sampling;

/// <summary>
/// The EOS schedule of one utterance (seed §2.6). With expected frames E (× the voice factor,
/// floored, when a cloned voice is used):
/// start = ⌊E·StartRatio⌋, max = ⌊E·MaxRatio⌋, force = ⌊E·ForceRatio⌋;
/// boost(i) = 0 for i &lt; start, else MaxBoost · min(1, (i − start) / max(1, max − start));
/// stop before step i when i ≥ force, or i ≥ MaxFrames regardless of the schedule.
/// Products are taken in double from the float ratios; 0.6f etc. are a hair above their decimal
/// values, so ⌊30 · 0.6f⌋ is 18 as in the seed.
/// </summary>
public sealed class EosPolicy
{
    private readonly EosOptions _options;

    public EosPolicy(int expectedFrames, EosOptions options, bool hasVoice)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(expectedFrames);
        options.Validate();
        _options = options;

        ExpectedFrames = hasVoice ? FloorTimes(expectedFrames, options.VoiceFactor) : expectedFrames;
        StartStep = FloorTimes(ExpectedFrames, options.StartRatio);
        MaxBoostStep = FloorTimes(ExpectedFrames, options.MaxRatio);
        ForceStep = FloorTimes(ExpectedFrames, options.ForceRatio);
    }

    /// <summary>Expected frame count after the voice factor.</summary>
    public int ExpectedFrames { get; }

    /// <summary>First step with a non-zero boost.</summary>
    public int StartStep { get; }

    /// <summary>First step with the full boost.</summary>
    public int MaxBoostStep { get; }

    /// <summary>First step that is not generated (when the schedule is enabled).</summary>
    public int ForceStep { get; }

    /// <summary>What to add to the EOS logit before sampling step <paramref name="step"/>.</summary>
    public float BoostAt(int step)
    {
        if (!_options.Enabled || step < StartStep)
        {
            return 0f;
        }

        var ramp = (float)(step - StartStep) / Math.Max(1, MaxBoostStep - StartStep);
        return _options.MaxBoost * Math.Min(1f, ramp);
    }

    /// <summary>True when step <paramref name="step"/> must not be generated (checked before calling the talker).</summary>
    public bool ShouldForceStop(int step) =>
        step >= _options.MaxFrames || (_options.Enabled && step >= ForceStep);

    private static int FloorTimes(int value, float factor) =>
        (int)Math.Min(int.MaxValue, Math.Floor(value * (double)factor));
}
