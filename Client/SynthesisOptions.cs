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

/// <summary>Sampling configurations: the checkpoint's own, the Rust seed system's defaults, or greedy (argmax, deterministic).</summary>
public enum SamplingPreset
{
    Official,
    Seed,
    Greedy,
}

/// <summary>How an utterance ends.</summary>
public enum EosMode
{
    /// <summary>When the model says so (its EOS), capped by MaxFrames or the model's max_new_tokens.</summary>
    Official,

    /// <summary>The Rust seed's schedule: EOS boosted from 0.6x a length estimate, forced stop at 1.5x.</summary>
    Seed,

    /// <summary>EOS never: exactly MaxFrames frames (benchmarks and checks).</summary>
    Never,
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

    /// <summary>A voice to clone (Base models); null = the model's own voice.</summary>
    public VoiceProfile? Voice { get; init; }

    /// <summary>A CustomVoice model's built-in speaker (see the model info); null = its default.</summary>
    public string? Speaker { get; init; }

    /// <summary>The official instruct text: style for 1.7B CustomVoice, the voice description for VoiceDesign (required there).</summary>
    public string? Instructions { get; init; }

    /// <summary>How the utterance ends; null = the cluster's default (official, or seed with the seed's sampling).</summary>
    public EosMode? Eos { get; init; }

    /// <summary>Teacher forcing: [frames, 16] codes the frames take instead of the model's choices (see <see cref="RecordCodes"/>).</summary>
    public long[]? TeacherCodes { get; init; }

    /// <summary>Return each frame's chosen codes in <see cref="SpeechChunk.Codes"/>.</summary>
    public bool RecordCodes { get; init; }
}
