namespace Qwen3Tts.Inference.Prompt;

/// <summary>What one prompt is built from. Token ids come from the text tokenizer, without special tokens.</summary>
public sealed record PromptRequest(
    IReadOnlyList<int> TextTokens,
    string Language = TtsLanguage.Auto,
    PromptLayout Layout = PromptLayout.NonStreaming,
    PromptConvention Convention = PromptConvention.Official,
    VoiceReference? Voice = null,
    IReadOnlyList<int>? ReferenceTextTokens = null);
