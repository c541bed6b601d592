namespace Qwen3Tts.Client;

/// <summary>Languages the model speaks; <see cref="Auto"/> lets the model decide.</summary>
public enum SpeechLanguage
{
    Auto,
    Chinese,
    English,
    German,
    Spanish,
    Japanese,
    French,
    Korean,
    Russian,
    Italian,
    Portuguese,
}

/// <summary>Sampling configurations: the checkpoint's own, or the Rust seed system's defaults.</summary>
public enum SamplingPreset
{
    Official,
    Seed,
}

/// <summary>How to speak one text.</summary>
public sealed record SynthesisOptions
{
    public SpeechLanguage Language { get; init; } = SpeechLanguage.Auto;

    /// <summary>Same seed, same text, same models = the same audio; null = random.</summary>
    public ulong? Seed { get; init; }

    public SamplingPreset Sampling { get; init; } = SamplingPreset.Official;

    /// <summary>Hard cap on generated frames (12.5 per second of audio); null = the server default.</summary>
    public int? MaxFrames { get; init; }

    /// <summary>A voice to clone; null = the model's own voice.</summary>
    public VoiceProfile? Voice { get; init; }
}
