using System.Globalization;
using System.Text;

namespace Qwen3Tts.Inference.Text;

/// <summary>
/// Splits a text into chunks the talker speaks one after another: at sentence ends (Latin <c>. ! ? …</c> followed by
/// a space, CJK <c>。！？；</c> anywhere, and every line break), packed greedily up to a length limit so that short
/// sentences share a prompt. A sentence over the limit is cut at its last clause mark (<c>, ; :</c>, CJK
/// <c>，、；：</c>, dashes) that fits, else at its last space, else at the limit itself (never inside a surrogate
/// pair or a combining sequence). A text within the limit comes back as one chunk, unchanged.
/// </summary>
public static class SentenceSplitter
{
    /// <summary>Abbreviations whose period ends no sentence ("Mr. Smith", "e.g. this").</summary>
    private static readonly HashSet<string> Abbreviations = new(StringComparer.OrdinalIgnoreCase)
    {
        "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs", "etc", "e.g", "i.e", "no", "fig", "inc", "ltd", "co", "mt",
    };

    /// <param name="fits">Whether a candidate chunk is short enough (characters, estimated frames, ...); must hold for any single text element.</param>
    public static IReadOnlyList<TextChunk> Split(string text, Func<string, bool> fits)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (fits(text.Trim()))
        {
            return string.IsNullOrWhiteSpace(text) ? [] : [new TextChunk(text.Trim(), EndsSentence: true)];
        }
        var chunks = new List<TextChunk>();
        var current = new StringBuilder();
        var lineBreak = false;
        foreach (var (sentence, endsLine) in Sentences(text))
        {
            // A line break between two sentences stays in the chunk, so the model still sees it.
            var joined = current.Length == 0 ? sentence : current + (lineBreak ? "\n" : Separator(current, sentence)) + sentence;
            lineBreak = endsLine;
            if (fits(joined))
            {
                current.Clear().Append(joined);
                continue;
            }
            if (current.Length > 0)
            {
                chunks.Add(new TextChunk(current.ToString(), EndsSentence: true));
                current.Clear();
            }
            if (fits(sentence))
            {
                current.Append(sentence);
                continue;
            }
            var pieces = CutLongSentence(sentence, fits);
            chunks.AddRange(pieces.SkipLast(1).Select(p => new TextChunk(p, EndsSentence: false)));
            current.Append(pieces[^1]);
        }
        if (current.Length > 0)
        {
            chunks.Add(new TextChunk(current.ToString(), EndsSentence: true));
        }
        return chunks;
    }

    /// <summary>Chunks of at most <paramref name="maxCharacters"/> characters (UTF-16 units).</summary>
    public static IReadOnlyList<TextChunk> Split(string text, int maxCharacters)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCharacters, 8);
        return Split(text, chunk => chunk.Length <= maxCharacters);
    }

    /// <summary>The sentences of <paramref name="text"/>, trimmed, in order, each with whether a line break ended it; empty ones dropped.</summary>
    internal static IEnumerable<(string Sentence, bool EndsLine)> Sentences(string text)
    {
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var end = SentenceEndAfter(text, i);
            if (end > 0)
            {
                var sentence = text[start..end].Trim();
                var endsLine = text[end - 1] is '\n' or '\r' or '\u2029' || (end < text.Length && text[end] is '\n' or '\r');
                if (sentence.Length > 0)
                {
                    yield return (sentence, endsLine);
                }
                start = end;
                i = end - 1;
            }
        }
        var rest = text[start..].Trim();
        if (rest.Length > 0)
        {
            yield return (rest, false);
        }
    }

    // The index just past the sentence that ends at text[i] (with any closing quotes and brackets), or 0.
    private static int SentenceEndAfter(string text, int i)
    {
        var c = text[i];
        if (c is '\n' or '\r' or '\u2029')
        {
            return i + 1;
        }
        var cjk = c is '。' or '！' or '？' or '；' or '．';
        if (!cjk && c is not ('.' or '!' or '?' or '…'))
        {
            return 0;
        }
        var end = i + 1;
        while (end < text.Length && (text[end] is '.' or '!' or '?' or '…' or '。' or '！' or '？' || IsClosing(text[end])))
        {
            end++;
        }
        if (cjk)
        {
            return end;
        }
        // Latin marks end a sentence only before a space (not "3.14", "example.com") and not after an abbreviation.
        if (end < text.Length && !char.IsWhiteSpace(text[end]))
        {
            return 0;
        }
        if (c == '.' && end == i + 1 && IsAbbreviation(text, i))
        {
            return 0;
        }
        return end;
    }

    private static bool IsClosing(char c) =>
        c is '"' or '\'' or ')' or ']' or '}' or '»' or '”' or '’' or '」' or '』' or '）' or '》' or '】';

    private static bool IsAbbreviation(string text, int period)
    {
        var start = period;
        while (start > 0 && (char.IsLetter(text[start - 1]) || text[start - 1] == '.'))
        {
            start--;
        }
        var word = text[start..period];
        // A single capital ("J. Smith") is an initial.
        return Abbreviations.Contains(word) || (word.Length == 1 && char.IsUpper(word[0]));
    }

    // CJK sentences join without a space; others with one.
    private static string Separator(StringBuilder current, string next) =>
        IsCjk(current[^1]) || IsCjk(next[0]) ? "" : " ";

    private static bool IsCjk(char c) =>
        c is (>= '\u3000' and <= '\u9FFF') or (>= '\uAC00' and <= '\uD7AF') or (>= '\uF900' and <= '\uFAFF') or (>= '\uFF00' and <= '\uFFEF');

    private static List<string> CutLongSentence(string sentence, Func<string, bool> fits)
    {
        var pieces = new List<string>();
        var rest = sentence;
        while (!fits(rest))
        {
            var cut = LastCut(rest, fits);
            pieces.Add(rest[..cut].Trim());
            rest = rest[cut..].Trim();
        }
        if (rest.Length > 0)
        {
            pieces.Add(rest);
        }
        return pieces;
    }

    // The longest prefix that fits, ending after a clause mark if one fits, else before a space, else at a text element boundary.
    private static int LastCut(string text, Func<string, bool> fits)
    {
        var boundaries = StringInfo.ParseCombiningCharacters(text);
        var longest = 0;
        foreach (var boundary in boundaries.Skip(1).Append(text.Length))
        {
            if (!fits(text[..boundary]))
            {
                break;
            }
            longest = boundary;
        }
        if (longest == 0)
        {
            throw new ArgumentException("not even one character of the text fits the chunk limit", nameof(fits));
        }
        for (var i = longest - 1; i > longest / 3; i--)
        {
            if (text[i] is ',' or ';' or ':' or '，' or '、' or '；' or '：' or '—' or '–')
            {
                return i + 1;
            }
        }
        for (var i = longest - 1; i > longest / 3; i--)
        {
            if (char.IsWhiteSpace(text[i]))
            {
                return i;
            }
        }
        return longest;
    }
}
