using System.Text.Encodings.Web;
using System.Text.Json;
using Qwen3Tts.Inference.Formats;
using Qwen3Tts.Inference.Text;

namespace Qwen3Tts.Inference.Synthetic;

/// <summary>
/// Writes the slow-tokenizer files an official snapshot ships (vocab.json, merges.txt, tokenizer_config.json),
/// derived from the bundled Qwen3 tokenizer.json plus the Qwen3-TTS added tokens 151669–151675.
/// </summary>
internal static class OfficialTokenizerFilesWriter
{
    private static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonWriterOptions Indented = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = true };

    public static void Write(string directory)
    {
        using var input = BundledTokenizer.OpenQwen3TokenizerJson();
        using var document = JsonDocument.Parse(input, new JsonDocumentOptions { MaxDepth = 256 });
        var root = document.RootElement;
        var model = root.GetProperty("model");

        AtomicFile.Write(Path.Combine(directory, "vocab.json"), stream =>
        {
            using var json = new Utf8JsonWriter(stream, Compact);
            model.GetProperty("vocab").WriteTo(json);
        });
        AtomicFile.Write(Path.Combine(directory, "merges.txt"), stream =>
        {
            using var text = new StreamWriter(stream, new System.Text.UTF8Encoding(false), bufferSize: 1 << 16, leaveOpen: true) { NewLine = "\n" };
            text.WriteLine("#version: 0.2");
            foreach (var merge in model.GetProperty("merges").EnumerateArray())
            {
                text.WriteLine(merge.ValueKind == JsonValueKind.Array ? $"{merge[0].GetString()} {merge[1].GetString()}" : merge.GetString());
            }
        });

        var added = new SortedDictionary<int, (string Content, bool Special)>();
        foreach (var token in root.GetProperty("added_tokens").EnumerateArray())
        {
            added[token.GetProperty("id").GetInt32()] = (token.GetProperty("content").GetString()!, token.GetProperty("special").GetBoolean());
        }
        foreach (var (id, content) in BundledTokenizer.TtsAddedTokens)
        {
            added.TryAdd(id, (content, true));
        }
        AtomicFile.Write(Path.Combine(directory, "tokenizer_config.json"), stream =>
        {
            using var json = new Utf8JsonWriter(stream, Indented);
            json.WriteStartObject();
            json.WriteBoolean("add_bos_token", false);
            json.WriteBoolean("add_prefix_space", false);
            json.WriteStartObject("added_tokens_decoder");
            foreach (var (id, (content, special)) in added)
            {
                json.WriteStartObject(id.ToString(System.Globalization.CultureInfo.InvariantCulture));
                json.WriteString("content", content);
                json.WriteBoolean("lstrip", false);
                json.WriteBoolean("normalized", false);
                json.WriteBoolean("rstrip", false);
                json.WriteBoolean("single_word", false);
                json.WriteBoolean("special", special);
                json.WriteEndObject();
            }
            json.WriteEndObject();
            json.WriteNull("bos_token");
            json.WriteBoolean("clean_up_tokenization_spaces", false);
            json.WriteString("eos_token", "<|im_end|>");
            json.WriteString("errors", "replace");
            json.WriteNumber("model_max_length", 131072);
            json.WriteString("pad_token", "<|endoftext|>");
            json.WriteBoolean("split_special_tokens", false);
            json.WriteString("tokenizer_class", "Qwen2Tokenizer");
            json.WriteNull("unk_token");
            json.WriteEndObject();
        });
    }
}
