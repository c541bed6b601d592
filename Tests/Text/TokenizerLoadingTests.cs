using System.Text;
using Qwen3Tts.Inference;
using Qwen3Tts.Inference.Text;

namespace Qwen3Tts.Tests.Text;

public sealed class TokenizerLoadingTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("qwen3tts-tok-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    // A byte-level BPE over "ab": "a"+"b" merge into "ab". Byte-level maps ' ' to 'Ġ'.
    private static string TinyTokenizerJson(string mergesJson, string normalizer = "{\"type\": \"NFC\"}") => $$"""
        {
          "added_tokens": [ { "id": 5, "content": "<|x|>", "special": false } ],
          "normalizer": {{normalizer}},
          "pre_tokenizer": { "type": "Sequence", "pretokenizers": [
            { "type": "Split", "pattern": { "Regex": " ?[a-z]+" }, "behavior": "Isolated", "invert": false },
            { "type": "ByteLevel", "add_prefix_space": false, "trim_offsets": false, "use_regex": false } ] },
          "model": { "type": "BPE", "vocab": { "a": 0, "b": 1, "ab": 2, "Ġ": 3, "Ġab": 4 }, "merges": {{mergesJson}} }
        }
        """;

    private string WriteFile(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, content, new UTF8Encoding(false));
        return path;
    }

    [Fact]
    public void MergesLoadFromStringAndPairForms()
    {
        var fromStrings = Qwen3TextTokenizer.Load(WriteFile("s.json", TinyTokenizerJson("[\"a b\", \"Ġ ab\"]")));
        var fromPairs = Qwen3TextTokenizer.Load(WriteFile("p.json", TinyTokenizerJson("[[\"a\", \"b\"], [\"Ġ\", \"ab\"]]")));

        Assert.Equal([2, 4, 5, 0], fromStrings.Encode("ab ab<|x|>a"));
        Assert.Equal([2, 4, 5, 0], fromPairs.Encode("ab ab<|x|>a"));
        Assert.Equal("ab ab<|x|>a", fromPairs.Decode([2, 4, 5, 0]));
        Assert.Equal(6, fromPairs.VocabularySize);
    }

    [Fact]
    public void SplitRegexIsReadFromTheFile()
    {
        // A pattern that isolates every letter stops "a"+"b" from merging; the Qwen2 fallback
        // regex would keep "ab" together and give [2].
        var json = TinyTokenizerJson("[\"a b\"]").Replace(" ?[a-z]+", "[a-z]");
        var tokenizer = Qwen3TextTokenizer.Load(WriteFile("r.json", json));
        Assert.Equal([0, 1], tokenizer.Encode("ab"));
    }

    [Fact]
    public void MissingFileIsAModelFormatErrorNamingTheFile()
    {
        var path = Path.Combine(_directory, "nope", "tokenizer.json");
        var ex = Assert.Throws<ModelFormatException>(() => Qwen3TextTokenizer.Load(path));
        Assert.Equal(path, ex.FilePath);
        Assert.Contains("not found", ex.Message);
    }

    [Fact]
    public void NonJsonIsAModelFormatErrorNamingTheFile()
    {
        var path = WriteFile("bad.json", "this is not json {");
        var ex = Assert.Throws<ModelFormatException>(() => Qwen3TextTokenizer.Load(path));
        Assert.Equal(path, ex.FilePath);
        Assert.Contains("not a valid tokenizer.json", ex.Message);
    }

    [Fact]
    public void NonBpeModelIsRejected()
    {
        var path = WriteFile("uni.json", "{\"model\": {\"type\": \"Unigram\", \"vocab\": []}}");
        var ex = Assert.Throws<ModelFormatException>(() => Qwen3TextTokenizer.Load(path));
        Assert.Contains(path, ex.Message);
        Assert.Contains("'Unigram', expected 'BPE'", ex.Message);
    }

    [Fact]
    public void MalformedMergeIsRejected()
    {
        var path = WriteFile("m.json", TinyTokenizerJson("[\"a b\", 42]"));
        var ex = Assert.Throws<ModelFormatException>(() => Qwen3TextTokenizer.Load(path));
        Assert.Contains("merge #1", ex.Message);
    }

    [Fact]
    public void AddedTokenWithoutNumericIdIsRejected()
    {
        var path = WriteFile("a.json", TinyTokenizerJson("[\"a b\"]").Replace("\"id\": 5", "\"id\": \"5\""));
        var ex = Assert.Throws<ModelFormatException>(() => Qwen3TextTokenizer.Load(path));
        Assert.Contains("added_tokens entry", ex.Message);
    }

    [Fact]
    public void WrittenTtsTokenizerFileLoadsWithTheTtsTokens()
    {
        var path = Path.Combine(_directory, "talker", "tokenizer.json");
        BundledTokenizer.WriteQwen3TtsTokenizerJson(path);

        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
        var tokenizer = Qwen3TextTokenizer.Load(path);
        Assert.Equal([151671], tokenizer.Encode("<tts_pad>"));
        Assert.Equal([9707, 1879], tokenizer.Encode("Hello world"));
        Assert.Equal(151676, tokenizer.VocabularySize);
    }

    [Fact]
    public void WritingTheTtsTokenizerTwiceReplacesTheFile()
    {
        var path = Path.Combine(_directory, "tokenizer.json");
        File.WriteAllText(path, "stale");
        BundledTokenizer.WriteQwen3TtsTokenizerJson(path);
        var first = File.ReadAllBytes(path);
        BundledTokenizer.WriteQwen3TtsTokenizerJson(path);

        Assert.Equal(first, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(_directory));
    }
}
