using Qwen3Tts.Inference.Audio;
using Qwen3Tts.Inference.Codec.Encoder;

namespace Qwen3Tts.Inference.Voices.Cloning;

/// <summary>
/// A user's reference clip and its text, checked under <see cref="CloneLimits"/> before any model runs: a regular
/// file (never waiting on a FIFO) of bounded size, a WAV of at most <see cref="CloneLimits.MaxSeconds"/> seconds
/// (checked from the header), with sound in it; a non-empty text of bounded length. Every refusal is a
/// <see cref="ReferenceAudioException"/> or <see cref="ArgumentException"/> (a usage error, an HTTP 400).
/// </summary>
public static class ReferenceClips
{
    /// <param name="name">
    /// What messages call the file: the path as its user gave it, where <paramref name="path"/> is what it resolved to
    /// (the MCP server's input directory joined to a client's file name); <paramref name="path"/> when null.
    /// </param>
    public static ReferenceAudio FromFile(string path, CloneLimits limits, string? name = null)
    {
        byte[] bytes;
        try
        {
            bytes = VoiceFileBytes.Read(path, limits.MaxUploadBytes, what: "reference audio", name: name);
        }
        catch (VoiceFileException e)
        {
            throw new ReferenceAudioException(e.Message, e);
        }
        return FromBytes(bytes, name ?? path, limits);
    }

    public static ReferenceAudio FromBytes(ReadOnlySpan<byte> bytes, string name, CloneLimits limits)
    {
        if (bytes.Length > limits.MaxUploadBytes)
        {
            throw new ReferenceAudioException($"{name}: {bytes.Length} bytes is more than the {limits.MaxUploadBytes} a reference clip may have");
        }
        WavAudio wav;
        try
        {
            wav = WavReader.Decode(bytes, name, limits.MaxSeconds);
        }
        catch (InvalidDataException e)
        {
            throw new ReferenceAudioException(e.Message, e);
        }
        return ReferenceAudio.Prepare(wav, name);
    }

    /// <summary>The reference text, trimmed; empty or too long is an <see cref="ArgumentException"/>.</summary>
    public static string RequireText(string? text, CloneLimits limits)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ArgumentException("the reference text is empty: give the words spoken in the clip (the clone needs them)");
        }
        var trimmed = text.Trim();
        return trimmed.Length <= limits.MaxReferenceTextCharacters
            ? trimmed
            : throw new ArgumentException($"the reference text has {trimmed.Length} characters; at most {limits.MaxReferenceTextCharacters} are accepted (a clip is a few seconds of speech)");
    }
}
