using System.Buffers.Binary;
using System.Text;

namespace Qwen3Tts.Inference.Formats.Npy;

/// <summary>
/// Reads the .npy preamble (magic, version, header length) and the header's Python dict literal,
/// e.g. <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (3, 4), }</c>.
/// </summary>
internal static class NpyHeaderParser
{
    public static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Bytes needed to know the header length: magic, version and the widest length field.</summary>
    public const int PreambleBytes = 12;

    // NumPy itself refuses headers over 10 kB by default; allow more, but not absurd sizes.
    private const int MaxHeaderLength = 16 << 20;

    /// <summary>
    /// From the first bytes of the file (up to <see cref="PreambleBytes"/>), returns where the header text starts
    /// and how long it is. <paramref name="prefix"/> may be shorter only if the file is.
    /// </summary>
    public static (int Major, int TextStart, int TextLength) ReadPreamble(ReadOnlySpan<byte> prefix, string? file, string? entry)
    {
        if (prefix.Length < 8 || !prefix[..6].SequenceEqual(Magic))
        {
            throw new ModelFormatException("not a .npy file (bad magic, expected \\x93NUMPY)", file, entry);
        }

        int major = prefix[6];
        var (textStart, length) = major switch
        {
            1 when prefix.Length >= 10 => (10, (long)BinaryPrimitives.ReadUInt16LittleEndian(prefix[8..])),
            2 or 3 when prefix.Length >= 12 => (12, (long)BinaryPrimitives.ReadUInt32LittleEndian(prefix[8..])),
            1 or 2 or 3 => throw new ModelFormatException("file is truncated inside the .npy preamble", file, entry),
            _ => throw new ModelFormatException($"unsupported .npy format version {major}.{prefix[7]} (supported: 1.0, 2.0, 3.0)", file, entry),
        };
        if (length > MaxHeaderLength)
        {
            throw new ModelFormatException($".npy header length {length} is implausibly large (corrupt file?)", file, entry);
        }

        return (major, textStart, (int)length);
    }

    public static NpyHeader ParseText(ReadOnlySpan<byte> textBytes, int major, long dataOffset, string? file, string? entry)
    {
        // Versions 1 and 2 store the header as latin-1, version 3 as UTF-8.
        var text = major == 3 ? Encoding.UTF8.GetString(textBytes) : Encoding.Latin1.GetString(textBytes);
        var dict = new PythonLiteralParser(text, file, entry).ParseDict();

        var descr = dict.TryGetValue("descr", out var d) ? d as string : null;
        if (descr is null)
        {
            throw new ModelFormatException($".npy header has no string 'descr' (structured dtypes are not supported): {text.Trim()}", file, entry);
        }

        if (!dict.TryGetValue("fortran_order", out var f) || f is not bool fortran)
        {
            throw new ModelFormatException($".npy header has no boolean 'fortran_order': {text.Trim()}", file, entry);
        }

        if (!dict.TryGetValue("shape", out var s) || s is not long[] shape)
        {
            throw new ModelFormatException($".npy header has no tuple 'shape': {text.Trim()}", file, entry);
        }

        return new NpyHeader(NpyDTypes.Parse(descr, file, entry), shape, fortran, dataOffset);
    }

    /// <summary>The subset of Python literal syntax .npy headers use: dict, str, bool, int tuple.</summary>
    private ref struct PythonLiteralParser(string text, string? file, string? entry)
    {
        private int position;

        public Dictionary<string, object> ParseDict()
        {
            var result = new Dictionary<string, object>(StringComparer.Ordinal);
            Expect('{');
            while (true)
            {
                SkipSpace();
                if (TryConsume('}'))
                {
                    return result;
                }

                var key = ParseString();
                Expect(':');
                result[key] = ParseValue();
                SkipSpace();
                if (!TryConsume(','))
                {
                    Expect('}');
                    return result;
                }
            }
        }

        private object ParseValue()
        {
            SkipSpace();
            if (position >= text.Length)
            {
                throw Error("unexpected end of header");
            }

            var c = text[position];
            if (c is '\'' or '"')
            {
                return ParseString();
            }

            if (c == '(')
            {
                return ParseTuple();
            }

            if (Matches("True"))
            {
                return true;
            }

            if (Matches("False"))
            {
                return false;
            }

            return ParseInteger();
        }

        private long[] ParseTuple()
        {
            Expect('(');
            var items = new List<long>();
            while (true)
            {
                SkipSpace();
                if (TryConsume(')'))
                {
                    return items.ToArray();
                }

                var value = ParseInteger();
                if (value < 0)
                {
                    throw Error($"negative dimension {value} in shape");
                }

                items.Add(value);
                SkipSpace();
                if (!TryConsume(','))
                {
                    Expect(')');
                    return items.ToArray();
                }
            }
        }

        private long ParseInteger()
        {
            SkipSpace();
            var start = position;
            if (position < text.Length && text[position] == '-')
            {
                position++;
            }

            while (position < text.Length && char.IsAsciiDigit(text[position]))
            {
                position++;
            }

            if (!long.TryParse(text.AsSpan(start, position - start), System.Globalization.NumberStyles.AllowLeadingSign,
                    System.Globalization.CultureInfo.InvariantCulture, out var value))
            {
                throw Error("expected an integer");
            }

            TryConsume('L'); // Python 2 long literal
            return value;
        }

        private string ParseString()
        {
            SkipSpace();
            if (position >= text.Length || text[position] is not ('\'' or '"'))
            {
                throw Error("expected a quoted string");
            }

            var quote = text[position++];
            var end = text.IndexOf(quote, position);
            if (end < 0)
            {
                throw Error("unterminated string");
            }

            var value = text[position..end];
            position = end + 1;
            return value;
        }

        private bool Matches(string word)
        {
            if (string.CompareOrdinal(text, position, word, 0, word.Length) == 0)
            {
                position += word.Length;
                return true;
            }

            return false;
        }

        private void Expect(char c)
        {
            SkipSpace();
            if (!TryConsume(c))
            {
                throw Error($"expected '{c}'");
            }
        }

        private bool TryConsume(char c)
        {
            if (position < text.Length && text[position] == c)
            {
                position++;
                return true;
            }

            return false;
        }

        private void SkipSpace()
        {
            while (position < text.Length && char.IsWhiteSpace(text[position]))
            {
                position++;
            }
        }

        private readonly ModelFormatException Error(string what) =>
            new($"malformed .npy header ({what} at character {position}): {text.Trim()}", file, entry);
    }
}
