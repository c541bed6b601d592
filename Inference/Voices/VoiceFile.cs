using System.Text.Json;
using Qwen3Tts.Inference.Formats.Npy;
using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Prompt;

namespace Qwen3Tts.Inference.Voices;

/// <summary>
/// Reads a voice profile: the seed's `.json` (`{"ref_text": "...", "codec_tokens": [[16 codes], ...]}`,
/// plus our optional `speaker_embedding` array) or a `.npy` of int codes shaped [frames, 16]
/// (or [16, frames]). `.pt` files are Python pickles — parsing them means running an untrusted
/// format on the server — so they are refused with a hint instead.
/// </summary>
public static class VoiceFile
{
    /// <summary>Voice files are small (a few KB per second of audio); anything this big is not one.</summary>
    public const long MaxBytes = 16 * 1024 * 1024;

    public static VoiceReference Load(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new VoiceFileException($"voice file not found: {path}");
        }
        if (info.Length > MaxBytes)
        {
            throw new VoiceFileException($"{path}: {info.Length} bytes is too large for a voice file (limit {MaxBytes})");
        }
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".json" => FromJson(path),
            ".npy" => FromNpy(path),
            ".pt" => throw new VoiceFileException(
                $"{path}: .pt voice files (Python pickles) are not read, for safety; re-encode the reference audio with `qwen3-tts encode-voice` or save the codes as .json/.npy"),
            var other => throw new VoiceFileException($"{path}: unknown voice file type '{other}' (expected .json or .npy)"),
        };
    }

    private static VoiceReference FromJson(string path)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new VoiceFileException($"{path}: not valid JSON: {e.Message}", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("codec_tokens", out var tokens) || tokens.ValueKind != JsonValueKind.Array)
            {
                throw new VoiceFileException($"{path}: a voice file needs a \"codec_tokens\" array of frames");
            }
            var codes = new List<long>(tokens.GetArrayLength() * CodecTokenIds.CodebookCount);
            var frame = 0;
            foreach (var row in tokens.EnumerateArray())
            {
                if (row.ValueKind != JsonValueKind.Array || row.GetArrayLength() != CodecTokenIds.CodebookCount)
                {
                    throw new VoiceFileException($"{path}: codec_tokens[{frame}] must be an array of {CodecTokenIds.CodebookCount} codes");
                }
                foreach (var code in row.EnumerateArray())
                {
                    if (code.ValueKind != JsonValueKind.Number || !code.TryGetInt64(out var value))
                    {
                        throw new VoiceFileException($"{path}: codec_tokens[{frame}] holds a non-integer code");
                    }
                    codes.Add(value);
                }
                frame++;
            }
            var text = root.TryGetProperty("ref_text", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            float[]? speaker = null;
            if (root.TryGetProperty("speaker_embedding", out var s) && s.ValueKind == JsonValueKind.Array)
            {
                speaker = s.EnumerateArray().Select(v => v.GetSingle()).ToArray();
            }
            return Create(path, codes.ToArray(), text, speaker);
        }
    }

    private static VoiceReference FromNpy(string path)
    {
        NpyFile npy;
        try
        {
            npy = NpyFile.Open(path);
        }
        catch (ModelFormatException e)
        {
            throw new VoiceFileException($"{path}: not a readable .npy file: {e.Message}", e);
        }
        using var _ = npy;
        var shape = npy.Header.Shape;
        if (shape.Length != 2 || (shape[1] != CodecTokenIds.CodebookCount && shape[0] != CodecTokenIds.CodebookCount))
        {
            throw new VoiceFileException($"{path}: voice codes must be shaped [frames, 16] (or [16, frames]), found {TensorShape.Format(shape)}");
        }
        var values = npy.ReadAllInt64();
        if (shape[1] == CodecTokenIds.CodebookCount)
        {
            return Create(path, values, null, null);
        }
        // [16, frames]: transpose to frame-major.
        var frames = (int)shape[1];
        var codes = new long[values.Length];
        for (var k = 0; k < CodecTokenIds.CodebookCount; k++)
        {
            for (var f = 0; f < frames; f++)
            {
                codes[f * CodecTokenIds.CodebookCount + k] = values[k * frames + f];
            }
        }
        return Create(path, codes, null, null);
    }

    private static VoiceReference Create(string path, long[] codes, string? text, float[]? speaker)
    {
        try
        {
            return new VoiceReference(codes, text, speaker);
        }
        catch (ArgumentException e)
        {
            throw new VoiceFileException($"{path}: {e.Message}", e);
        }
    }
}
