using System.Buffers.Binary;
using System.Text;

namespace Qwen3Tts.Tests.Reliability.Fuzz;

/// <summary>
/// Hostile variants of a valid input, seeded so a failure can be replayed: every truncation kind, flipped bits,
/// bytes forced to 0x00/0xFF/0x80, 4- and 8-byte windows overwritten with extreme integers (lengths, counts, offsets
/// and dimensions live in such windows), spliced and repeated ranges, and pure noise. Text inputs also get
/// token-level edits: numbers made huge, negative, fractional or strings, brackets dropped or nested deep.
/// </summary>
public static class Mutations
{
    private static readonly long[] Extremes = [0, -1, 1, int.MaxValue, int.MinValue, uint.MaxValue, long.MaxValue, long.MinValue, 1L << 31, 1L << 32, 1L << 40, 1L << 62];

    public static (string What, byte[] Bytes) Next(byte[] valid, Random random, bool text = false)
    {
        var kind = random.Next(text ? 12 : 9);
        var bytes = (byte[])valid.Clone();
        switch (kind)
        {
            case 0:
            {
                var length = random.Next(valid.Length);
                return ($"truncated to {length} of {valid.Length} bytes", valid[..length]);
            }
            case 1:
            {
                var flips = 1 + random.Next(8);
                for (var i = 0; i < flips; i++)
                {
                    bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                }
                return ($"{flips} bits flipped", bytes);
            }
            case 2:
            {
                var at = random.Next(bytes.Length);
                bytes[at] = (byte)(random.Next(3) switch { 0 => 0x00, 1 => 0xFF, _ => 0x80 });
                return ($"byte {at} set to {bytes[at]:x2}", bytes);
            }
            case 3 when bytes.Length >= 8:
            {
                // Headers are where lengths live: aim there more often than at the data.
                var at = random.Next(2) == 0 ? random.Next(Math.Min(bytes.Length - 8, 512) + 1) : random.Next(bytes.Length - 7);
                var value = Extremes[random.Next(Extremes.Length)];
                if (random.Next(2) == 0)
                {
                    BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(at), value);
                    return ($"8 bytes at {at} set to {value}", bytes);
                }
                BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(at), (int)value);
                return ($"4 bytes at {at} set to {(int)value}", bytes);
            }
            case 4:
            {
                var from = random.Next(bytes.Length);
                var length = random.Next(Math.Min(256, bytes.Length - from) + 1);
                var at = random.Next(bytes.Length);
                byte[] spliced = [.. bytes[..at], .. bytes.AsSpan(from, length), .. bytes[at..]];
                return ($"{length} bytes from {from} inserted at {at}", spliced);
            }
            case 5:
            {
                var from = random.Next(bytes.Length);
                var length = 1 + random.Next(Math.Min(64, bytes.Length - from));
                byte[] cut = [.. bytes[..from], .. bytes[(from + length)..]];
                return ($"{length} bytes removed at {from}", cut);
            }
            case 6:
            {
                var noise = new byte[random.Next(2 * valid.Length + 1)];
                random.NextBytes(noise);
                return ($"{noise.Length} random bytes", noise);
            }
            case 7:
            {
                var keep = random.Next(Math.Min(bytes.Length, 64) + 1);
                var tail = new byte[random.Next(1024)];
                random.NextBytes(tail);
                return ($"the first {keep} bytes, then {tail.Length} random ones", [.. bytes[..keep], .. tail]);
            }
            case 8:
            {
                var at = random.Next(bytes.Length);
                var length = 1 + random.Next(Math.Min(32, bytes.Length - at));
                Array.Fill(bytes, (byte)0, at, length);
                return ($"{length} bytes zeroed at {at}", bytes);
            }
            default:
                return TextEdit(Encoding.UTF8.GetString(valid), random);
        }
    }

    private static readonly string[] Numbers = ["1e400", "-1", "9223372036854775808", "-9223372036854775809", "0.5", "\"7\"", "NaN", "null", "true", "[]", "{}", "1e-400", "00", "18446744073709551616"];

    private static (string What, byte[] Bytes) TextEdit(string text, Random random)
    {
        switch (random.Next(3))
        {
            case 0:
            {
                var digits = Enumerable.Range(0, text.Length).Where(i => char.IsAsciiDigit(text[i]) && (i == 0 || !char.IsAsciiDigit(text[i - 1]))).ToList();
                if (digits.Count == 0)
                {
                    goto default;
                }
                var at = digits[random.Next(digits.Count)];
                var end = at;
                while (end < text.Length && (char.IsAsciiDigit(text[end]) || text[end] is '.' or 'e' or '-'))
                {
                    end++;
                }
                var replacement = Numbers[random.Next(Numbers.Length)];
                return ($"the number at {at} replaced by {replacement}", Encoding.UTF8.GetBytes(text[..at] + replacement + text[end..]));
            }
            case 1:
            {
                var depth = random.Next(2) == 0 ? 100 : 100_000;
                var open = random.Next(2) == 0 ? '[' : '{';
                var at = text.IndexOf(':') is var colon and > 0 ? colon + 1 : 0;
                var nested = open == '[' ? new string('[', depth) + new string(']', depth) : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);
                return ($"a value nested {depth} deep", Encoding.UTF8.GetBytes(text[..at] + nested + text[at..]));
            }
            default:
            {
                var structural = Enumerable.Range(0, text.Length).Where(i => text[i] is '[' or ']' or '{' or '}' or ',' or ':' or '"').ToList();
                var at = structural.Count > 0 ? structural[random.Next(structural.Count)] : random.Next(text.Length);
                return ($"the '{text[at]}' at {at} removed", Encoding.UTF8.GetBytes(text.Remove(at, 1)));
            }
        }
    }
}
