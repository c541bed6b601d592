namespace Qwen3Tts.Client;

/// <summary>
/// A voice to clone: reference codec frames ([frames, 16] codes, row-major, from `qwen3-tts encode-voice`
/// or the seed's voice .json), the text spoken in them (enables in-context cloning), and an optional
/// speaker vector. The cluster checks the codes; this type only carries them.
/// </summary>
public sealed record VoiceProfile(long[] Codes, string? ReferenceText = null, float[]? SpeakerEmbedding = null)
{
    public const int CodebookCount = 16;

    public int FrameCount => Codes.Length / CodebookCount;
}
