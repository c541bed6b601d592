using Qwen3Tts.Inference.Formats;
using System.IO.Compression;
using System.Text.Json;

namespace Qwen3Tts.Inference.Text;

/// <summary>
/// The Qwen3 <c>tokenizer.json</c> embedded in this assembly (see Resources/NOTICE.md), so the CLI and
/// the synthetic model kit can tokenize without downloading anything.
/// </summary>
public static class BundledTokenizer
{
    private const string ResourceName = "Qwen3Tts.qwen3-tokenizer.json.gz";

    /// <summary>
    /// The seven text tokens Qwen3-TTS adds to the Qwen3 vocabulary (all special, as in the published
    /// Qwen3-TTS tokenizer). The bundled Qwen3 tokenizer stops at 151668.
    /// </summary>
    public static IReadOnlyList<(int Id, string Content)> TtsAddedTokens { get; } =
    [
        (151669, "<|audio_start|>"),
        (151670, "<|audio_end|>"),
        (151671, "<tts_pad>"),
        (151672, "<tts_text_bos>"),
        (151673, "<tts_text_eod>"),
        (151674, "<tts_text_bos_single>"),
        (151675, "<|audio_pad|>"),
    ];

    /// <summary>Opens the plain Qwen3 tokenizer.json (decompressed on the fly). The caller disposes it.</summary>
    public static Stream OpenQwen3TokenizerJson()
    {
        var compressed = typeof(BundledTokenizer).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"embedded resource '{ResourceName}' is missing from {typeof(BundledTokenizer).Assembly.GetName().Name}");
        return new GZipStream(compressed, CompressionMode.Decompress, leaveOpen: false);
    }

    /// <summary>Loads the bundled tokenizer with the Qwen3-TTS tokens added.</summary>
    public static Qwen3TextTokenizer LoadQwen3TtsTokenizer()
    {
        const string name = "bundled Qwen3 tokenizer.json";
        using var stream = OpenQwen3TokenizerJson();
        var definition = TokenizerJsonDefinition.Parse(stream, name).WithAddedTokens(TtsAddedTokens);
        return Qwen3TextTokenizer.Create(definition, name);
    }

    /// <summary>
    /// Writes the bundled tokenizer.json plus the Qwen3-TTS added tokens to <paramref name="path"/>.
    /// The file appears complete or not at all (written to a temporary name, then renamed).
    /// </summary>
    public static void WriteQwen3TtsTokenizerJson(string path) => AtomicFile.Write(path, WriteQwen3TtsTokenizerJson);

    // Copies the JSON token by token rather than through a DOM: the vocabulary and merges are ~300k
    // entries and only added_tokens changes.
    private static void WriteQwen3TtsTokenizerJson(Stream output)
    {
        using var input = OpenQwen3TokenizerJson();
        using var document = JsonDocument.Parse(input, new JsonDocumentOptions { MaxDepth = 256 });
        using var writer = new Utf8JsonWriter(output, new JsonWriterOptions
        {
            Indented = false,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });

        writer.WriteStartObject();
        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (property.NameEquals("added_tokens"))
            {
                writer.WritePropertyName(property.Name);
                WriteAddedTokens(writer, property.Value);
            }
            else
            {
                property.WriteTo(writer);
            }
        }
        writer.WriteEndObject();
    }

    private static void WriteAddedTokens(Utf8JsonWriter writer, JsonElement existing)
    {
        var present = new HashSet<int>();
        writer.WriteStartArray();
        foreach (var token in existing.EnumerateArray())
        {
            token.WriteTo(writer);
            present.Add(token.GetProperty("id").GetInt32());
        }

        foreach (var (id, content) in TtsAddedTokens)
        {
            if (present.Contains(id))
            {
                continue;
            }
            writer.WriteStartObject();
            writer.WriteNumber("id", id);
            writer.WriteString("content", content);
            writer.WriteBoolean("single_word", false);
            writer.WriteBoolean("lstrip", false);
            writer.WriteBoolean("rstrip", false);
            writer.WriteBoolean("normalized", false);
            writer.WriteBoolean("special", true);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }
}
