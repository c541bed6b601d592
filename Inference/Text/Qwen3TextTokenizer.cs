using System.Text;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace Qwen3Tts.Inference.Text;

/// <summary>
/// The Qwen2/Qwen3 byte-level BPE text tokenizer, loaded from a Hugging Face <c>tokenizer.json</c>.
/// Every added token (<c>&lt;|im_start|&gt;</c>, <c>&lt;tts_pad&gt;</c>, ...) encodes as a single id wherever
/// it appears in the text, because the TTS wrapper builds its prompts as plain strings containing them.
/// Instances are immutable after loading and safe to share between threads.
/// </summary>
public sealed class Qwen3TextTokenizer
{
    private readonly BpeTokenizer _bpe;
    private readonly IReadOnlyDictionary<string, int> _addedTokens;

    private Qwen3TextTokenizer(BpeTokenizer bpe, IReadOnlyDictionary<string, int> addedTokens, int vocabularySize)
    {
        _bpe = bpe;
        _addedTokens = addedTokens;
        VocabularySize = vocabularySize;
    }

    /// <summary>Highest token id this tokenizer can produce, plus one (BPE vocabulary and added tokens).</summary>
    public int VocabularySize { get; }

    public static Qwen3TextTokenizer Load(string tokenizerJsonPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(tokenizerJsonPath);
        FileStream stream;
        try
        {
            stream = File.OpenRead(tokenizerJsonPath);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ModelFormatException("tokenizer file not found", tokenizerJsonPath, inner: ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ModelFormatException($"cannot read tokenizer file: {ex.Message}", tokenizerJsonPath, inner: ex);
        }

        using (stream)
        {
            return Load(stream, tokenizerJsonPath);
        }
    }

    /// <param name="sourceName">Names the stream's origin in error messages.</param>
    public static Qwen3TextTokenizer Load(Stream tokenizerJson, string sourceName = "tokenizer.json")
    {
        ArgumentNullException.ThrowIfNull(tokenizerJson);
        return Create(TokenizerJsonDefinition.Parse(tokenizerJson, sourceName), sourceName);
    }

    internal static Qwen3TextTokenizer Create(TokenizerJsonDefinition definition, string sourceName)
    {
        Regex split;
        try
        {
            split = new Regex(definition.SplitPattern, RegexOptions.Compiled | RegexOptions.CultureInvariant);
        }
        catch (ArgumentException ex)
        {
            throw new ModelFormatException($"pre-tokenizer regex is not valid .NET regex: {ex.Message}", sourceName, inner: ex);
        }

        var options = new BpeOptions(definition.Vocabulary)
        {
            Merges = definition.Merges,
            SpecialTokens = definition.AddedTokens,
            ByteLevel = true,
            PreTokenizer = new RegexPreTokenizer(split, definition.AddedTokens),
            Normalizer = definition.NormalizeNfc ? NfcNormalizer.Instance : null,
        };

        BpeTokenizer bpe;
        try
        {
            bpe = BpeTokenizer.Create(options);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            throw new ModelFormatException($"tokenizer vocabulary or merges are inconsistent: {ex.Message}", sourceName, inner: ex);
        }

        var maxId = definition.Vocabulary.Max(e => e.Value);
        if (definition.AddedTokens.Count > 0)
        {
            maxId = Math.Max(maxId, definition.AddedTokens.Values.Max());
        }
        return new Qwen3TextTokenizer(bpe, definition.AddedTokens, maxId + 1);
    }

    /// <summary>Token ids of <paramref name="text"/>: NFC-normalized, no BOS/EOS added.</summary>
    public IReadOnlyList<int> Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return _bpe.EncodeToIds(text);
    }

    /// <summary>
    /// The text of <paramref name="ids"/>, added tokens included. Ids outside the vocabulary are an
    /// error rather than silently dropped (the underlying decoder would skip them).
    /// </summary>
    public string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var list = ids as IReadOnlyList<int> ?? ids.ToList();
        foreach (var id in list)
        {
            if ((uint)id >= (uint)VocabularySize)
            {
                throw new ArgumentOutOfRangeException(nameof(ids), id, $"token id outside the vocabulary [0, {VocabularySize})");
            }
        }
        return _bpe.Decode(list);
    }

    /// <summary>Looks up an entry of <c>added_tokens</c> (e.g. "&lt;tts_pad&gt;") by its exact text.</summary>
    public bool TryGetAddedTokenId(string content, out int id) => _addedTokens.TryGetValue(content, out id);
}
