using System.Text.Json;
using Qwen3Tts.Inference.Models;

namespace Qwen3Tts.Inference.Voices;

/// <summary>
/// A <c>.json</c> voice: the seed's <c>{"ref_text", "codec_tokens": [[16 codes], …]}</c>, our <c>speaker_embedding</c>
/// (alone it is an x-vector-only voice), and the <c>source</c> / <c>encoded_with</c> records encode-voice writes.
/// Every field is checked for its type, so a string among the floats is a clear error, not a crash.
/// </summary>
internal static class VoiceJson
{
    public static StoredVoice Read(byte[] bytes)
    {
        // An editor's byte-order mark is not part of the JSON (JsonDocument would call it an invalid value).
        var json = bytes.AsMemory();
        if (json.Span.StartsWith(System.Text.Encoding.UTF8.Preamble))
        {
            json = json[System.Text.Encoding.UTF8.Preamble.Length..];
        }
        // JsonDocument accepts invalid UTF-8 inside strings and only fails (InvalidOperationException) when one is read.
        if (!System.Text.Unicode.Utf8.IsValid(json.Span))
        {
            throw new InvalidDataException("not valid JSON: the file is not UTF-8 text");
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"not valid JSON: {e.Message}", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"a voice file is a JSON object, this one is {Kind(root)}");
            }
            var hasCodes = root.TryGetProperty("codec_tokens", out var tokens) && tokens.ValueKind != JsonValueKind.Null;
            var speaker = root.TryGetProperty("speaker_embedding", out var s) && s.ValueKind != JsonValueKind.Null ? Floats(s, "speaker_embedding") : null;
            if (!hasCodes && speaker is null)
            {
                throw new InvalidDataException("a voice file needs a \"codec_tokens\" array of frames (or a \"speaker_embedding\" for an x-vector-only voice)");
            }
            var codes = hasCodes ? Codes(tokens) : [];
            var text = root.TryGetProperty("ref_text", out var t) ? t.ValueKind switch
            {
                JsonValueKind.String => t.GetString(),
                JsonValueKind.Null => null,
                _ => throw new InvalidDataException($"\"ref_text\" must be a string, found {Kind(t)}"),
            } : null;
            return new StoredVoice(new Prompt.VoiceReference(codes, text, speaker), "json")
            {
                DurationSeconds = Number(root, "source", "duration_seconds"),
                SpeechTokenizer = Text(root, "encoded_with", "speech_tokenizer"),
                SpeakerEncoder = Text(root, "encoded_with", "speaker_encoder"),
            };
        }
    }

    private static long[] Codes(JsonElement tokens)
    {
        const int books = CodecTokenIds.CodebookCount;
        if (tokens.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException($"\"codec_tokens\" must be an array of frames, found {Kind(tokens)}");
        }
        var codes = new long[tokens.GetArrayLength() * books];
        var frame = 0;
        foreach (var row in tokens.EnumerateArray())
        {
            if (row.ValueKind != JsonValueKind.Array || row.GetArrayLength() != books)
            {
                throw new InvalidDataException($"codec_tokens[{frame}] must be an array of {books} codes");
            }
            var k = 0;
            foreach (var code in row.EnumerateArray())
            {
                if (code.ValueKind != JsonValueKind.Number || !code.TryGetInt64(out var value))
                {
                    throw new InvalidDataException($"codec_tokens[{frame}][{k}] is {Kind(code)}, not an integer code");
                }
                codes[frame * books + k++] = value;
            }
            frame++;
        }
        return codes;
    }

    private static float[] Floats(JsonElement array, string name)
    {
        if (array.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException($"\"{name}\" must be an array of numbers, found {Kind(array)}");
        }
        var values = new float[array.GetArrayLength()];
        var i = 0;
        foreach (var v in array.EnumerateArray())
        {
            if (v.ValueKind != JsonValueKind.Number || !v.TryGetSingle(out var f) || !float.IsFinite(f))
            {
                throw new InvalidDataException($"{name}[{i}] is {Kind(v)}, not a finite number");
            }
            values[i++] = f;
        }
        return values;
    }

    private static double? Number(JsonElement root, string section, string field) =>
        root.TryGetProperty(section, out var s) && s.ValueKind == JsonValueKind.Object && s.TryGetProperty(field, out var v)
            && v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) && double.IsFinite(d) ? d : null;

    private static string? Text(JsonElement root, string section, string field) =>
        root.TryGetProperty(section, out var s) && s.ValueKind == JsonValueKind.Object && s.TryGetProperty(field, out var v)
            && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => $"the number {e.GetRawText()}",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
