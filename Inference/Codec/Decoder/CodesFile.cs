using System.Text.Json;

namespace Qwen3Tts.Inference.Codec.Decoder;

/// <summary>
/// Codec frames in JSON, as <c>qwen3-tts decode</c> reads them: <c>{"codes": [[16 ints], …]}</c>, a bare
/// <c>[[16 ints], …]</c>, or a voice profile's <c>codec_tokens</c>. Every problem is one sentence that says
/// where (frame, codebook) and what was expected.
/// </summary>
public static class CodesFile
{
    /// <summary>Frame-major codes (frames × <paramref name="codebooks"/>), each in 0..<paramref name="codebookSize"/> − 1.</summary>
    public static long[] Parse(ReadOnlySpan<byte> json, int codebooks, int codebookSize)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException ex)
        {
            throw new FormatException($"not valid JSON ({ex.Message})", ex);
        }
        using (document)
        {
            var root = document.RootElement;
            var frames = root.ValueKind switch
            {
                JsonValueKind.Array => root,
                JsonValueKind.Object when root.TryGetProperty("codes", out var codes) => codes,
                JsonValueKind.Object when root.TryGetProperty("codec_tokens", out var tokens) => tokens,
                _ => throw new FormatException("expected {\"codes\": [[16 ints], ...]} or a bare [[16 ints], ...] array"),
            };
            if (frames.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException($"\"codes\" must be an array of frames, found {Kind(frames)}");
            }
            var count = frames.GetArrayLength();
            if (count == 0)
            {
                throw new FormatException("there are no frames to decode");
            }
            var result = new long[checked(count * codebooks)];
            var f = 0;
            foreach (var frame in frames.EnumerateArray())
            {
                if (frame.ValueKind != JsonValueKind.Array)
                {
                    throw new FormatException($"frame {f} must be an array of {codebooks} codes, found {Kind(frame)}");
                }
                if (frame.GetArrayLength() != codebooks)
                {
                    throw new FormatException($"frame {f} has {frame.GetArrayLength()} codes, expected {codebooks} (one per codebook)");
                }
                var b = 0;
                foreach (var code in frame.EnumerateArray())
                {
                    if (code.ValueKind != JsonValueKind.Number || !code.TryGetInt64(out var value))
                    {
                        throw new FormatException($"frame {f}, codebook {b}: {code.GetRawText()} is not an integer code");
                    }
                    if (value < 0 || value >= codebookSize)
                    {
                        throw new FormatException($"frame {f}, codebook {b}: code {value} is outside 0..{codebookSize - 1}");
                    }
                    result[f * codebooks + b] = value;
                    b++;
                }
                f++;
            }
            return result;
        }
    }

    private static string Kind(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.Null => "null",
        _ => "true/false",
    };
}
