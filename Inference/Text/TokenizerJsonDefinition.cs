using System.Text.Json;

namespace Qwen3Tts.Inference.Text;

/// <summary>
/// The parts of a Hugging Face <c>tokenizer.json</c> that a byte-level BPE tokenizer needs,
/// read and validated in one place so every error names the file.
/// </summary>
internal sealed class TokenizerJsonDefinition
{
    /// <summary>Qwen2's pre-tokenizer split regex, used when the file declares none.</summary>
    public const string Qwen2SplitPattern =
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    private TokenizerJsonDefinition(
        List<KeyValuePair<string, int>> vocabulary,
        List<string> merges,
        Dictionary<string, int> addedTokens,
        string splitPattern,
        bool normalizeNfc)
    {
        _vocabulary = vocabulary;
        _merges = merges;
        AddedTokens = addedTokens;
        SplitPattern = splitPattern;
        NormalizeNfc = normalizeNfc;
    }

    private readonly List<KeyValuePair<string, int>> _vocabulary;
    private readonly List<string> _merges;

    public IReadOnlyList<KeyValuePair<string, int>> Vocabulary => _vocabulary;

    /// <summary>Merges as "left right" lines (the form <c>BpeOptions.Merges</c> takes).</summary>
    public IReadOnlyList<string> Merges => _merges;

    /// <summary>Every entry of <c>added_tokens</c>, special or not: all of them must encode as one id.</summary>
    public IReadOnlyDictionary<string, int> AddedTokens { get; }

    public string SplitPattern { get; }

    public bool NormalizeNfc { get; }

    /// <summary>This definition with more added tokens (ids already present are left as they are).</summary>
    public TokenizerJsonDefinition WithAddedTokens(IEnumerable<(int Id, string Content)> tokens)
    {
        var added = new Dictionary<string, int>(AddedTokens, StringComparer.Ordinal);
        var ids = added.Values.ToHashSet();
        foreach (var (id, content) in tokens)
        {
            if (ids.Add(id))
            {
                added[content] = id;
            }
        }
        return new TokenizerJsonDefinition(_vocabulary, _merges, added, SplitPattern, NormalizeNfc);
    }

    /// <summary>A definition from already-read parts (vocab.json + merges.txt + tokenizer_config.json): Qwen2's split regex and NFC.</summary>
    public static TokenizerJsonDefinition FromParts(
        List<KeyValuePair<string, int>> vocabulary, List<string> merges, Dictionary<string, int> addedTokens) =>
        new(vocabulary, merges, addedTokens, Qwen2SplitPattern, normalizeNfc: true);

    public static TokenizerJsonDefinition Parse(Stream stream, string sourceName)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(stream, new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException ex)
        {
            throw new ModelFormatException($"not a valid tokenizer.json: {ex.Message}", sourceName, inner: ex);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ModelFormatException("not a tokenizer.json: the top level is not a JSON object", sourceName);
            }

            if (!root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.Object)
            {
                throw new ModelFormatException("not a tokenizer.json: no \"model\" object", sourceName);
            }

            var type = model.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            if (type != "BPE")
            {
                throw new ModelFormatException($"tokenizer model type is '{type ?? "(missing)"}', expected 'BPE'", sourceName);
            }

            return new TokenizerJsonDefinition(
                ReadVocabulary(model, sourceName),
                ReadMerges(model, sourceName),
                ReadAddedTokens(root, sourceName),
                ReadSplitPattern(root) ?? Qwen2SplitPattern,
                ReadNormalizesNfc(root));
        }
    }

    private static List<KeyValuePair<string, int>> ReadVocabulary(JsonElement model, string sourceName)
    {
        if (!model.TryGetProperty("vocab", out var vocab) || vocab.ValueKind != JsonValueKind.Object)
        {
            throw new ModelFormatException("tokenizer model has no \"vocab\" object", sourceName);
        }

        var entries = new List<KeyValuePair<string, int>>();
        foreach (var entry in vocab.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetInt32(out var id) || id < 0)
            {
                throw new ModelFormatException($"vocab entry '{entry.Name}' has no valid id", sourceName);
            }
            entries.Add(KeyValuePair.Create(entry.Name, id));
        }

        if (entries.Count == 0)
        {
            throw new ModelFormatException("tokenizer vocab is empty", sourceName);
        }
        return entries;
    }

    // tokenizers < 0.20 wrote merges as "a b" strings; newer versions write ["a", "b"] pairs
    // (so tokens containing spaces survive). Both are in circulation.
    private static List<string> ReadMerges(JsonElement model, string sourceName)
    {
        var merges = new List<string>();
        if (!model.TryGetProperty("merges", out var array) || array.ValueKind == JsonValueKind.Null)
        {
            return merges;
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            throw new ModelFormatException("tokenizer \"merges\" is not an array", sourceName);
        }

        var index = 0;
        foreach (var merge in array.EnumerateArray())
        {
            switch (merge.ValueKind)
            {
                case JsonValueKind.String:
                    merges.Add(merge.GetString()!);
                    break;
                case JsonValueKind.Array when merge.GetArrayLength() == 2
                    && merge[0].ValueKind == JsonValueKind.String && merge[1].ValueKind == JsonValueKind.String:
                    merges.Add(merge[0].GetString() + " " + merge[1].GetString());
                    break;
                default:
                    throw new ModelFormatException(
                        $"merge #{index} is neither \"a b\" nor [\"a\", \"b\"]", sourceName);
            }
            index++;
        }
        return merges;
    }

    private static Dictionary<string, int> ReadAddedTokens(JsonElement root, string sourceName)
    {
        var added = new Dictionary<string, int>(StringComparer.Ordinal);
        if (!root.TryGetProperty("added_tokens", out var array) || array.ValueKind != JsonValueKind.Array)
        {
            return added;
        }

        foreach (var token in array.EnumerateArray())
        {
            if (token.ValueKind != JsonValueKind.Object
                || !token.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.String
                || !token.TryGetProperty("id", out var idElement) || idElement.ValueKind != JsonValueKind.Number
                || !idElement.TryGetInt32(out var id) || id < 0)
            {
                throw new ModelFormatException("an added_tokens entry has no string \"content\" or integer \"id\"", sourceName);
            }
            added[content.GetString()!] = id;
        }
        return added;
    }

    // The split regex sits either directly in pre_tokenizer (type Split) or inside a Sequence.
    private static string? ReadSplitPattern(JsonElement root)
    {
        if (!root.TryGetProperty("pre_tokenizer", out var pre) || pre.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (pre.TryGetProperty("pretokenizers", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in list.EnumerateArray())
            {
                if (SplitRegexOf(item) is { } pattern)
                {
                    return pattern;
                }
            }
            return null;
        }
        return SplitRegexOf(pre);
    }

    private static string? SplitRegexOf(JsonElement preTokenizer) =>
        preTokenizer.ValueKind == JsonValueKind.Object
        && preTokenizer.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "Split"
        && preTokenizer.TryGetProperty("pattern", out var pattern) && pattern.ValueKind == JsonValueKind.Object
        && pattern.TryGetProperty("Regex", out var regex) && regex.ValueKind == JsonValueKind.String
            ? regex.GetString()
            : null;

    // Qwen files always declare NFC; a file with "normalizer": null gets none, as the HF library would do.
    private static bool ReadNormalizesNfc(JsonElement root)
    {
        if (!root.TryGetProperty("normalizer", out var normalizer))
        {
            return true;
        }
        return IsOrContainsNfc(normalizer);
    }

    private static bool IsOrContainsNfc(JsonElement normalizer)
    {
        if (normalizer.ValueKind != JsonValueKind.Object
            || !normalizer.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        if (type.GetString() == "NFC")
        {
            return true;
        }

        return type.GetString() == "Sequence"
            && normalizer.TryGetProperty("normalizers", out var list) && list.ValueKind == JsonValueKind.Array
            && list.EnumerateArray().Any(IsOrContainsNfc);
    }
}
