namespace Qwen3Tts.Inference.Prompt;

/// <summary>
/// What one prompt is built from. Token ids come from the text tokenizer, without the role wrapping
/// (see <see cref="TtsTextFormat"/>).
/// </summary>
/// <param name="Speaker">A CustomVoice speaker name (its codec row becomes the speaker row; it may switch the language to its dialect).</param>
/// <param name="InstructTokens">The whole tokenized instruct block <c>&lt;|im_start|&gt;user\n…&lt;|im_end|&gt;\n</c>, fed before the role rows.</param>
/// <param name="RoleTokens">The role prefix <c>&lt;|im_start|&gt;assistant\n</c>; null = the ids' three tokens.</param>
public sealed record PromptRequest(
    IReadOnlyList<int> TextTokens,
    string Language = TtsLanguage.Auto,
    PromptLayout Layout = PromptLayout.NonStreaming,
    PromptConvention Convention = PromptConvention.Official,
    VoiceReference? Voice = null,
    IReadOnlyList<int>? ReferenceTextTokens = null,
    string? Speaker = null,
    IReadOnlyList<int>? InstructTokens = null,
    IReadOnlyList<int>? RoleTokens = null);
