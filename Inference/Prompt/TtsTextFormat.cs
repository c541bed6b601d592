using Qwen3Tts.Inference.Text;

namespace Qwen3Tts.Inference.Prompt;

/// <summary>
/// How the official wrapper turns text into token ids: it tokenizes a ChatML-like string and slices it,
/// so the ids are exactly the ones the tokenizer gives in context (the chat template is not used).
/// </summary>
public static class TtsTextFormat
{
    /// <summary>"&lt;|im_start|&gt;assistant\n{text}&lt;|im_end|&gt;\n&lt;|im_start|&gt;assistant\n": role = ids[..3], text = ids[3..^5].</summary>
    public static (IReadOnlyList<int> Role, IReadOnlyList<int> Text) Target(Qwen3TextTokenizer tokenizer, string text)
    {
        var ids = tokenizer.Encode($"<|im_start|>assistant\n{text}<|im_end|>\n<|im_start|>assistant\n");
        if (ids.Count <= 8)
        {
            throw new ArgumentException("the text to speak is empty (no tokens)", nameof(text));
        }
        return (ids.Take(3).ToArray(), ids.Skip(3).Take(ids.Count - 8).ToArray());
    }

    /// <summary>"&lt;|im_start|&gt;assistant\n{ref_text}&lt;|im_end|&gt;\n": the reference text is ids[3..^2].</summary>
    public static IReadOnlyList<int> Reference(Qwen3TextTokenizer tokenizer, string referenceText)
    {
        var ids = tokenizer.Encode($"<|im_start|>assistant\n{referenceText}<|im_end|>\n");
        return ids.Skip(3).Take(Math.Max(0, ids.Count - 5)).ToArray();
    }

    /// <summary>"&lt;|im_start|&gt;user\n{instruct}&lt;|im_end|&gt;\n", all of it.</summary>
    public static IReadOnlyList<int> Instruct(Qwen3TextTokenizer tokenizer, string instruct) =>
        tokenizer.Encode($"<|im_start|>user\n{instruct}<|im_end|>\n");
}
