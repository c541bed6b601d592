using Qwen3Tts.Inference.Prompt;
using Qwen3Tts.Inference.Voices.Torch;

namespace Qwen3Tts.Inference.Voices;

/// <summary>
/// Reads a voice file: <c>.json</c> (the seed's <c>{"ref_text", "codec_tokens"}</c> plus our <c>speaker_embedding</c>,
/// as encode-voice and the voice library write it), <c>.npy</c> (int codes [frames, 16] or [16, frames]) or
/// <c>.pt</c> (a torch.save zip archive of a codes tensor or the official saved voice-clone prompt, read by a
/// restricted unpickler that builds tensors and plain data only and refuses anything else). The file must be a
/// regular file under <see cref="MaxBytes"/>; every problem is a <see cref="VoiceFileException"/> naming the file.
/// </summary>
public static class VoiceFile
{
    /// <summary>Voice files are small (a few KB per second of audio); anything this big is not one.</summary>
    public const long MaxBytes = 16 * 1024 * 1024;

    /// <summary>The extensions read, in the order a library looks a name up.</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".json", ".npy", ".pt"];

    public static VoiceReference Load(string path) => Read(path).Voice;

    public static StoredVoice Read(string path)
    {
        var extension = ExtensionOf(path);
        return Parse(VoiceFileBytes.Read(path, MaxBytes), extension, path);
    }

    /// <summary>Parses a voice file's bytes; <paramref name="name"/> is what messages call it.</summary>
    public static StoredVoice Parse(byte[] bytes, string extension, string name)
    {
        try
        {
            return extension.ToLowerInvariant() switch
            {
                ".json" => VoiceJson.Read(bytes),
                ".npy" => new StoredVoice(new VoiceReference(VoiceNpy.ReadCodes(bytes, name), null), "npy"),
                ".pt" => FromTorch(bytes),
                var other => throw new VoiceFileException($"{name}: unknown voice file type '{other}' (expected .json, .npy or .pt)"),
            };
        }
        catch (Exception e) when (e is InvalidDataException or ModelFormatException or OverflowException or FormatException
            || (e is ArgumentException && e is not VoiceFileException))
        {
            throw new VoiceFileException($"{name}: {Strip(e.Message, name)}", e);
        }
    }

    private static StoredVoice FromTorch(byte[] bytes)
    {
        var (codes, text, speaker, _) = TorchVoice.Map(TorchArchive.Load(bytes, MaxBytes));
        return new StoredVoice(new VoiceReference(codes, text, speaker), "pt");
    }

    private static string ExtensionOf(string path)
    {
        var extension = Path.GetExtension(path);
        return Extensions.Contains(extension.ToLowerInvariant())
            ? extension
            : throw new VoiceFileException($"{path}: unknown voice file type '{extension}' (expected .json, .npy or .pt)");
    }

    // ModelFormatException and ArgumentException messages may already name the file, or end with "(Parameter 'x')".
    private static string Strip(string message, string name)
    {
        var text = message.Replace(name + ": ", "", StringComparison.Ordinal);
        var parameter = text.IndexOf(" (Parameter '", StringComparison.Ordinal);
        return parameter > 0 ? text[..parameter] : text;
    }
}
