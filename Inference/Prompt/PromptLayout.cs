namespace Qwen3Tts.Inference.Prompt;

/// <summary>How the target text enters the talker (qwen3-tts-model.md §1.6).</summary>
public enum PromptLayout
{
    /// <summary>All text in the prefill, then tts_eos and codec_bos; each step adds tts_pad. Official default for preset voices.</summary>
    NonStreaming,

    /// <summary>Only the first text token in the prefill; one text token is added per generated frame. Official default for voice clones.</summary>
    StreamingText,
}

/// <summary>Which prompt conventions to follow.</summary>
public enum PromptConvention
{
    /// <summary>The official Qwen3-TTS wrapper: language ids in the control block, speaker row when given.</summary>
    Official,

    /// <summary>The Rust seed: language ignored (always the "auto" control block), no speaker row.</summary>
    Seed,
}
