namespace Qwen3Tts.Inference.Voices;

/// <summary>Bounds of a voice library (cluster.json <c>gateway.voiceLibrary</c>, or the CLI's defaults).</summary>
public sealed class VoiceLibraryOptions
{
    /// <summary>Most voices one library holds; adding one more is refused.</summary>
    public int MaxVoices { get; set; } = 256;

    /// <summary>Largest voice file read (a 30 s voice with an x-vector is about 60 KB).</summary>
    public long MaxFileBytes { get; set; } = VoiceFile.MaxBytes;

    public void Validate()
    {
        if (MaxVoices < 1)
        {
            throw new ArgumentException($"voiceLibrary.maxVoices must be at least 1, got {MaxVoices}");
        }
        if (MaxFileBytes < 1024)
        {
            throw new ArgumentException($"voiceLibrary.maxFileBytes must be at least 1024, got {MaxFileBytes}");
        }
    }
}
