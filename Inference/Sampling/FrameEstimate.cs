using System.Text;

namespace Qwen3Tts.Inference.Sampling;

/// <summary>
/// How many codec frames (12.5 per second) a text is expected to take: ⌈characters × rate⌉, at
/// least 10, with rate 3.0 for Chinese, 0.7 for English and 2.0 otherwise (the seed's numbers;
/// characters are Unicode code points).
/// <para>
/// Unlike the seed, which only matched the exact strings "chinese"/"zh"/"english"/"en", the language
/// is matched case-insensitively by short or long name, with any region suffix ignored ("ZH-cn",
/// "Chinese", "en_US"). For "auto", null or empty the script decides: if most letters are Han
/// ideographs the text is taken as Chinese; if most are Latin letters, the English rate (an
/// alphabetic rate, right for other Latin-script languages too); anything else (kana, Hangul,
/// Cyrillic, no letters, ...) gets the general 2.0.
/// </para>
/// </summary>
public static class FrameEstimate
{
    public const int MinimumFrames = 10;

    public const double ChineseFramesPerCharacter = 3.0;
    public const double EnglishFramesPerCharacter = 0.7;
    public const double OtherFramesPerCharacter = 2.0;

    public static int Estimate(string text, string? language)
    {
        ArgumentNullException.ThrowIfNull(text);
        var characters = 0;
        foreach (var _ in text.EnumerateRunes())
        {
            characters++;
        }

        var frames = Math.Ceiling(characters * RateFor(text, language));
        return (int)Math.Max(MinimumFrames, Math.Min(int.MaxValue, frames));
    }

    internal static double RateFor(string text, string? language)
    {
        var name = NormalizeLanguage(language);
        return name switch
        {
            "zh" or "chinese" => ChineseFramesPerCharacter,
            "en" or "english" => EnglishFramesPerCharacter,
            "" or "auto" => RateFromScript(text),
            _ => OtherFramesPerCharacter,
        };
    }

    private static string NormalizeLanguage(string? language)
    {
        if (string.IsNullOrWhiteSpace(language))
        {
            return "";
        }

        var name = language.Trim().ToLowerInvariant();
        var separator = name.IndexOfAny(['-', '_']);
        return separator > 0 ? name[..separator] : name;
    }

    private static double RateFromScript(string text)
    {
        int letters = 0, han = 0, latin = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (!Rune.IsLetter(rune))
            {
                continue;
            }

            letters++;
            if (IsHan(rune.Value))
            {
                han++;
            }
            else if (IsLatin(rune.Value))
            {
                latin++;
            }
        }

        if (letters == 0)
        {
            return OtherFramesPerCharacter;
        }
        if (han * 2 > letters)
        {
            return ChineseFramesPerCharacter;
        }
        return latin * 2 > letters ? EnglishFramesPerCharacter : OtherFramesPerCharacter;
    }

    private static bool IsHan(int c) =>
        c is (>= 0x4E00 and <= 0x9FFF)      // CJK Unified Ideographs
            or (>= 0x3400 and <= 0x4DBF)    // Extension A
            or (>= 0xF900 and <= 0xFAFF)    // Compatibility Ideographs
            or (>= 0x20000 and <= 0x3134F); // Extensions B..G

    private static bool IsLatin(int c) =>
        c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z')
            or (>= 0x00C0 and <= 0x024F)    // Latin-1 Supplement letters, Extended-A/B
            or (>= 0x1E00 and <= 0x1EFF);   // Latin Extended Additional (Vietnamese)
}
