using System.Text.Json;
using Qwen3Tts.Inference.Text;

namespace Qwen3Tts.Inference.Checkpoints;

/// <summary>
/// The text tokenizer of an official snapshot, which ships the slow-tokenizer files rather than a
/// tokenizer.json: <c>vocab.json</c> (token → id), <c>merges.txt</c> (one "left right" merge per line,
/// after a <c>#version</c> header) and <c>tokenizer_config.json</c> (<c>added_tokens_decoder</c>: id →
/// content, which holds &lt;|im_start|&gt; and the TTS tokens 151671–151673). The result is the same
/// byte-level BPE with Qwen2's split regex and NFC that the transformers fast tokenizer builds from them.
/// </summary>
public static class OfficialTokenizer
{
    public static Qwen3TextTokenizer Load(string vocabPath, string mergesPath, string tokenizerConfigPath)
    {
        var definition = TokenizerJsonDefinition.FromParts(ReadVocab(vocabPath), ReadMerges(mergesPath), ReadAddedTokens(tokenizerConfigPath));
        return Qwen3TextTokenizer.Create(definition, vocabPath);
    }

    private static List<KeyValuePair<string, int>> ReadVocab(string path)
    {
        using var document = JsonFiles.Parse(path, "vocab.json");
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new ModelFormatException("vocab.json is not a JSON object of token: id", path);
        }
        var entries = new List<KeyValuePair<string, int>>(152_000);
        foreach (var entry in document.RootElement.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetInt32(out var id) || id < 0)
            {
                throw new ModelFormatException($"vocab.json entry '{entry.Name}' has no valid id", path);
            }
            entries.Add(KeyValuePair.Create(entry.Name, id));
        }
        if (entries.Count == 0)
        {
            throw new ModelFormatException("vocab.json is empty", path);
        }
        return entries;
    }

    private static List<string> ReadMerges(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelFormatException($"cannot read merges.txt: {e.Message}", path, inner: e);
        }
        var merges = new List<string>(lines.Length);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length == 0 || (i == 0 && line.StartsWith("#version", StringComparison.Ordinal)))
            {
                continue;
            }
            if (line.IndexOf(' ', StringComparison.Ordinal) is <= 0 || line.EndsWith(' '))
            {
                throw new ModelFormatException($"merges.txt line {i + 1} is not \"left right\": '{line}'", path);
            }
            merges.Add(line);
        }
        return merges;
    }

    private static Dictionary<string, int> ReadAddedTokens(string path)
    {
        using var document = JsonFiles.Parse(path, "tokenizer_config.json");
        var added = new Dictionary<string, int>(StringComparer.Ordinal);
        if (!document.RootElement.TryGetProperty("added_tokens_decoder", out var decoder) || decoder.ValueKind != JsonValueKind.Object)
        {
            throw JsonFiles.KeyError(path, "added_tokens_decoder", "is missing; the special tokens (<|im_start|>, <tts_pad>, ...) are defined there");
        }
        foreach (var entry in decoder.EnumerateObject())
        {
            if (!int.TryParse(entry.Name, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id)
                || entry.Value.ValueKind != JsonValueKind.Object
                || !entry.Value.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.String)
            {
                throw JsonFiles.KeyError(path, $"added_tokens_decoder.{entry.Name}", "expected an id key with an object holding \"content\"");
            }
            added[content.GetString()!] = id;
        }
        return added;
    }
}
