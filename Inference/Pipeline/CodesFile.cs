using System.Text.Json;
using Qwen3Tts.Inference.Formats;
using Qwen3Tts.Inference.Models;

namespace Qwen3Tts.Inference.Pipeline;

/// <summary>
/// Frames of codec codes as JSON, <c>{"codes": [[16 ints], ...]}</c>, one row per frame in the order the vocoder
/// gets them: what <c>speak --codes-out</c> writes and <c>--teacher-codes</c> reads, so runs can be compared
/// decision by decision with other implementations.
/// </summary>
public static class CodesFile
{
    /// <summary>Code files hold 16 small integers per 80 ms frame; this is hours of audio.</summary>
    public const long MaxBytes = 64L << 20;

    /// <summary>Writes row-major [frames, 16] codes; the file appears complete or not at all.</summary>
    public static void Write(string path, IReadOnlyList<long> codes)
    {
        ArgumentNullException.ThrowIfNull(codes);
        if (codes.Count % CodecTokenIds.CodebookCount != 0)
        {
            throw new ArgumentException($"codes must be whole frames of {CodecTokenIds.CodebookCount}, got {codes.Count} values", nameof(codes));
        }
        AtomicFile.Write(path, stream =>
        {
            using var json = new Utf8JsonWriter(stream);
            json.WriteStartObject();
            json.WriteStartArray("codes");
            for (var f = 0; f < codes.Count / CodecTokenIds.CodebookCount; f++)
            {
                json.WriteStartArray();
                for (var k = 0; k < CodecTokenIds.CodebookCount; k++)
                {
                    json.WriteNumberValue(codes[f * CodecTokenIds.CodebookCount + k]);
                }
                json.WriteEndArray();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        });
    }

    /// <summary>Reads a codes file into row-major [frames, 16] codes; every problem is an <see cref="ArgumentException"/> naming the file.</summary>
    public static long[] Read(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new ArgumentException($"codes file not found: {path}");
        }
        if (info.Length > MaxBytes)
        {
            throw new ArgumentException($"{path}: {info.Length} bytes is too large for a codes file (limit {MaxBytes})");
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"{path}: not valid JSON: {e.Message}", e);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("codes", out var rows) || rows.ValueKind != JsonValueKind.Array)
            {
                throw new ArgumentException($"{path}: expected {{\"codes\": [[16 ints], ...]}}");
            }
            var codes = new List<long>(rows.GetArrayLength() * CodecTokenIds.CodebookCount);
            var frame = 0;
            foreach (var row in rows.EnumerateArray())
            {
                if (row.ValueKind != JsonValueKind.Array || row.GetArrayLength() != CodecTokenIds.CodebookCount)
                {
                    throw new ArgumentException($"{path}: codes[{frame}] must be an array of {CodecTokenIds.CodebookCount} codes");
                }
                foreach (var code in row.EnumerateArray())
                {
                    if (code.ValueKind != JsonValueKind.Number || !code.TryGetInt64(out var value) || value < 0 || value >= CodecTokenIds.CodebookSize)
                    {
                        throw new ArgumentException($"{path}: codes[{frame}] holds {code.GetRawText()}, not a code 0..{CodecTokenIds.CodebookSize - 1}");
                    }
                    codes.Add(value);
                }
                frame++;
            }
            if (frame == 0)
            {
                throw new ArgumentException($"{path}: holds no frames");
            }
            return [.. codes];
        }
    }
}
