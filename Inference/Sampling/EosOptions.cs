namespace Qwen3Tts.Inference.Sampling;

/// <summary>
/// Length control for the talker (the seed's EOS schedule): from <see cref="StartRatio"/> × expected
/// frames on, the EOS logit gets a boost that ramps linearly to <see cref="MaxBoost"/> at
/// <see cref="MaxRatio"/> × expected, and generation is cut at <see cref="ForceRatio"/> × expected.
/// </summary>
/// <param name="MaxFrames">Hard cap on frames per utterance that applies even when the schedule is disabled.</param>
/// <param name="Enabled">False: no boost and no forced stop, only <see cref="MaxFrames"/>.</param>
/// <param name="VoiceFactor">Multiplies the expectation when a cloned voice is used (cloned voices tend to speak slower).</param>
public sealed record EosOptions(
    float StartRatio = 0.6f,
    float MaxRatio = 1.2f,
    float ForceRatio = 1.5f,
    float MaxBoost = 25f,
    int MaxFrames = 8192,
    bool Enabled = true,
    float VoiceFactor = 1.5f)
{
    public void Validate()
    {
        RequireNonNegative(StartRatio, nameof(StartRatio));
        RequireNonNegative(MaxRatio, nameof(MaxRatio));
        RequireNonNegative(ForceRatio, nameof(ForceRatio));
        RequireNonNegative(MaxBoost, nameof(MaxBoost));
        if (!(float.IsFinite(VoiceFactor) && VoiceFactor > 0f))
        {
            throw new ArgumentOutOfRangeException(nameof(VoiceFactor), VoiceFactor, "voice factor must be a finite number > 0");
        }
        if (MaxFrames <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxFrames), MaxFrames, "the frame cap must be > 0");
        }
    }

    private static void RequireNonNegative(float value, string name)
    {
        if (!(float.IsFinite(value) && value >= 0f))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number >= 0");
        }
    }
}
