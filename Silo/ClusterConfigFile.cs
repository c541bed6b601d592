using System.Text;
using System.Text.Json;
using Qwen3Tts.Inference.Voices;

namespace Qwen3Tts.Silo;

/// <summary>
/// Reads a cluster.json before the configuration system sees it, under the bounds voice files have: a regular file
/// (a FIFO is refused, not waited on; a link to <c>/dev/zero</c> is refused, not read forever) of at most
/// <see cref="MaxBytes"/>, UTF-8 text (a byte-order mark is fine), one JSON object (comments and trailing commas
/// allowed, as the configuration reader allows them). Each problem is an <see cref="ArgumentException"/> naming the
/// file as the user gave it and what is wrong, with the line for a syntax error: exit code 2 from the silo and the CLI.
/// </summary>
internal static class ClusterConfigFile
{
    /// <summary>A cluster.json of a hundred boards is ~20 KB; anything this big is not one.</summary>
    public const long MaxBytes = 1024 * 1024;

    private static readonly JsonDocumentOptions Options = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>The file's JSON as UTF-8 bytes without a byte-order mark, checked as described above.</summary>
    public static byte[] Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = VoiceFileBytes.Read(path, MaxBytes, what: "cluster configuration");
        }
        catch (VoiceFileException e)
        {
            throw new ArgumentException($"cluster configuration {e.Message}", e);
        }
        return Check(bytes, path);
    }

    /// <summary>Checks <paramref name="bytes"/> (the content of <paramref name="name"/>) and returns them without a byte-order mark.</summary>
    public static byte[] Check(byte[] bytes, string name)
    {
        var text = bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? bytes[Encoding.UTF8.Preamble.Length..] : bytes;
        if (!System.Text.Unicode.Utf8.IsValid(text))
        {
            throw new ArgumentException($"cluster configuration {name}: is not UTF-8 text (save it as UTF-8)");
        }
        try
        {
            using var document = JsonDocument.Parse(text, Options);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ArgumentException($"cluster configuration {name}: must be a JSON object ({{ \"cluster\": …, \"silos\": […] }}), this one is {document.RootElement.ValueKind.ToString().ToLowerInvariant()}");
            }
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"cluster configuration {name}: is not valid JSON: {Where(e)}", e);
        }
        return text;
    }

    // System.Text.Json counts lines and bytes from 0; editors count from 1.
    private static string Where(JsonException e)
    {
        var message = e.Message;
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        var reason = (cut > 0 ? message[..cut] : message).TrimEnd('.', ' ');
        return e.LineNumber is { } line ? $"{reason} (line {line + 1}, byte {e.BytePositionInLine + 1})" : reason;
    }
}
