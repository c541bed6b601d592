using Qwen3Tts.Inference.Codec.Encoder;

namespace Qwen3Tts.Inference.Voices.Cloning;

/// <summary>
/// A reference clip sent inline as text (a speech request's <c>ref_audio</c>, MCP's <c>audio_base64</c>): the
/// file's bytes in base64, bare or as a <c>data:</c> URL (<c>data:audio/wav;base64,...</c>, what a browser's
/// FileReader gives). URLs of other schemes are refused: the server never fetches what a request points at.
/// </summary>
public static class ReferenceAudioBytes
{
    /// <summary>Room for a data: URL's header (<c>data:audio/x-wav;codecs=1;base64,</c> and the like).</summary>
    private const int HeaderAllowance = 256;

    /// <summary>The longest text that can carry <paramref name="maxBytes"/> bytes of clip.</summary>
    public static long MaxEncodedLength(long maxBytes) => (maxBytes + 2) / 3 * 4 + HeaderAllowance;

    /// <summary>The clip's bytes; text that is not base64 or a base64 data: URL, or that decodes to more than <paramref name="maxBytes"/>, is a <see cref="ReferenceAudioException"/>.</summary>
    public static byte[] Decode(string text, long maxBytes, string what)
    {
        ArgumentNullException.ThrowIfNull(text);
        var payload = text.AsSpan().Trim();
        if (payload.IsEmpty)
        {
            throw new ReferenceAudioException($"{what} is empty; send a WAV file in base64 or as a data:audio/wav;base64,... URL");
        }
        if (payload.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            var comma = payload.IndexOf(',');
            if (comma < 0 || !payload[..comma].EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
            {
                throw new ReferenceAudioException($"{what} is a data: URL without ';base64,'; send data:audio/wav;base64,<the WAV file in base64>");
            }
            payload = payload[(comma + 1)..];
        }
        else if (LooksLikeUrl(payload))
        {
            throw new ReferenceAudioException($"{what} looks like a URL; this server does not fetch files a request names: send the WAV file itself in base64 (or a data: URL)");
        }
        if (payload.Length > MaxEncodedLength(maxBytes))
        {
            throw new ReferenceAudioException($"{what} is {payload.Length} characters of base64, more than the {maxBytes} bytes a reference clip may have");
        }
        var bytes = new byte[payload.Length / 4 * 3 + 3];
        if (!Convert.TryFromBase64Chars(payload, bytes, out var written))
        {
            throw new ReferenceAudioException($"{what} is not valid base64: send the WAV file's bytes in base64 or a data:audio/wav;base64,... URL (not a path or a URL)");
        }
        if (written > maxBytes)
        {
            throw new ReferenceAudioException($"{what} is {written} bytes, more than the {maxBytes} a reference clip may have");
        }
        return bytes[..written];
    }

    private static bool LooksLikeUrl(ReadOnlySpan<char> text)
    {
        // "://" never occurs in base64 (no ':'); a path fails as base64 below, with a message that says what to send.
        var colon = text.IndexOf("://", StringComparison.Ordinal);
        return colon is > 0 and < 16;
    }
}
