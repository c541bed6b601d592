using Qwen3Tts.Inference.Formats.Gguf;

namespace Qwen3Tts.Inference.Talker;

/// <summary>
/// The tokenizer metadata of a talker GGUF whose vocabulary is the 3072 codec ids. The talker is
/// fed embeddings, never tokens, but llama.cpp insists on a vocabulary to load a model: the first
/// 256 entries are GPT-2 byte-level symbols (llama.cpp looks up the newline byte), the rest are
/// control tokens named after their codec id.
/// </summary>
internal static class CodecGgufVocabulary
{
    /// <summary>The smallest vocabulary llama.cpp loads: the 256 byte symbols and one control token (bos/eos).</summary>
    public const int MinimumSize = 257;

    public static void Add(GgufWriter gguf, int size)
    {
        var tokens = new string[size];
        var types = new int[size];
        var bytes = ByteLevelSymbols();
        for (var i = 0; i < size; i++)
        {
            if (i < bytes.Length)
            {
                tokens[i] = bytes[i];
                types[i] = 1; // normal
            }
            else
            {
                tokens[i] = $"<|codec_{i}|>";
                types[i] = 3; // control
            }
        }
        gguf.AddString("tokenizer.ggml.model", "gpt2");
        gguf.AddString("tokenizer.ggml.pre", "qwen2");
        gguf.AddStringArray("tokenizer.ggml.tokens", tokens);
        gguf.AddInt32Array("tokenizer.ggml.token_type", types);
        gguf.AddStringArray("tokenizer.ggml.merges", []);
        gguf.AddUInt32("tokenizer.ggml.eos_token_id", (uint)(size - 1));
        gguf.AddUInt32("tokenizer.ggml.bos_token_id", (uint)(size - 1));
    }

    /// <summary>The GPT-2 byte-to-unicode table: printable bytes map to themselves, the rest to 256+n.</summary>
    public static string[] ByteLevelSymbols()
    {
        var symbols = new string[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            var printable = b is >= 33 and <= 126 or >= 161 and <= 172 or >= 174 and <= 255;
            symbols[b] = char.ConvertFromUtf32(printable ? b : next++);
        }
        return symbols;
    }
}
