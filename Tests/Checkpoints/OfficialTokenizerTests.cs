using System.Text.Json;
using System.Text.Json.Nodes;
using Qwen3Tts.Inference;
using Qwen3Tts.Inference.Checkpoints;
using Qwen3Tts.Inference.Text;
using Qwen3Tts.Tests.Text;

namespace Qwen3Tts.Tests.Checkpoints;

/// <summary>
/// The official snapshot's tokenizer files (vocab.json + merges.txt + tokenizer_config.json) give the same ids as
/// the tokenizer.json path, checked on the shared Qwen3 fixture: its tokenizer.json is split into the three files
/// the way a Hugging Face snapshot ships them, and both loaders tokenize the same texts.
/// </summary>
public sealed class OfficialTokenizerTests : IDisposable
{
    private const string Fixture = "/work/shared/fixtures/qwen3-tokenizer";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"qwen3tts-tokfiles-{Guid.NewGuid():N}");

    public static TheoryData<string> Texts()
    {
        var data = new TheoryData<string>();
        foreach (var row in Qwen3TextTokenizerTests.ReferenceEncodings)
        {
            data.Add((string)row[0]);
        }
        foreach (var row in Qwen3TextTokenizerTests.ReferenceTtsEncodings)
        {
            data.Add((string)row[0]);
        }
        data.Add("<|im_start|>assistant\nHello, world.<|im_end|>\n<|im_start|>assistant\n");
        data.Add("<|im_start|>user\nSpeak slowly, in a warm low voice.<|im_end|>\n");
        data.Add("<tts_text_bos>数字 12,345.67 与 emoji \U0001F600<tts_text_eod><tts_pad>");
        return data;
    }

    [Theory]
    [MemberData(nameof(Texts))]
    public void VocabAndMergesGiveTheTokenizerJsonIds(string text)
    {
        var (fromFiles, fromJson) = Load();
        Assert.Equal(fromJson.Encode(text), fromFiles.Encode(text));
    }

    [Fact]
    public void TheTtsTokensAreSingleIdsFromTokenizerConfig()
    {
        var (fromFiles, _) = Load();
        Assert.Equal([151671, 151672, 151673, 151644, 151645], fromFiles.Encode("<tts_pad><tts_text_bos><tts_text_eod><|im_start|><|im_end|>"));
        Assert.True(fromFiles.TryGetAddedTokenId("<tts_pad>", out var pad) && pad == 151671);
    }

    [Fact]
    public void ABrokenMergesLineIsNamed()
    {
        Directory.CreateDirectory(_dir);
        File.WriteAllText(Path.Combine(_dir, "vocab.json"), """{"a": 0, "b": 1, "ab": 2}""");
        File.WriteAllText(Path.Combine(_dir, "merges.txt"), "#version: 0.2\na b\nab\n");
        File.WriteAllText(Path.Combine(_dir, "tokenizer_config.json"), """{"added_tokens_decoder": {}}""");
        var error = Assert.Throws<ModelFormatException>(() => OfficialTokenizer.Load(Path.Combine(_dir, "vocab.json"), Path.Combine(_dir, "merges.txt"), Path.Combine(_dir, "tokenizer_config.json")));
        Assert.Contains("merges.txt line 3", error.Message);
    }

    private static readonly Lazy<(Qwen3TextTokenizer Files, Qwen3TextTokenizer Json)> Shared = new(() =>
    {
        var dir = Path.Combine(Path.GetTempPath(), $"qwen3tts-tokfiles-shared-{Guid.NewGuid():N}");
        try
        {
            SplitFixture(dir);
            var files = OfficialTokenizer.Load(Path.Combine(dir, "vocab.json"), Path.Combine(dir, "merges.txt"), Path.Combine(dir, "tokenizer_config.json"));
            using var stream = File.OpenRead(Path.Combine(Fixture, "tokenizer.json"));
            var json = Qwen3TextTokenizer.Create(TokenizerJsonDefinition.Parse(stream, "fixture").WithAddedTokens(BundledTokenizer.TtsAddedTokens), "fixture");
            return (files, json);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    });

    private static (Qwen3TextTokenizer Files, Qwen3TextTokenizer Json) Load() => Shared.Value;

    /// <summary>vocab.json and merges.txt from the fixture's model section; tokenizer_config.json plus the TTS tokens.</summary>
    private static void SplitFixture(string dir)
    {
        Directory.CreateDirectory(dir);
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Fixture, "tokenizer.json")), new JsonDocumentOptions { MaxDepth = 256 });
        var model = document.RootElement.GetProperty("model");
        File.WriteAllText(Path.Combine(dir, "vocab.json"), model.GetProperty("vocab").GetRawText());
        var merges = model.GetProperty("merges").EnumerateArray()
            .Select(m => m.ValueKind == JsonValueKind.Array ? $"{m[0].GetString()} {m[1].GetString()}" : m.GetString()!);
        File.WriteAllLines(Path.Combine(dir, "merges.txt"), ["#version: 0.2", .. merges]);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(Fixture, "tokenizer_config.json")))!;
        var added = config["added_tokens_decoder"]!.AsObject();
        foreach (var (id, content) in BundledTokenizer.TtsAddedTokens)
        {
            added[id.ToString(System.Globalization.CultureInfo.InvariantCulture)] = new JsonObject { ["content"] = content, ["special"] = true };
        }
        File.WriteAllText(Path.Combine(dir, "tokenizer_config.json"), config.ToJsonString());
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }
}
