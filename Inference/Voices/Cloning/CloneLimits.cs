using System.Globalization;

namespace Qwen3Tts.Inference.Voices.Cloning;

/// <summary>What a reference clip from a user may be (cluster.json <c>gateway.cloning</c>; the CLI's defaults).</summary>
public sealed class CloneLimits
{
    /// <summary>Longest clip: the official recipe uses a few seconds; longer ones only lengthen every prompt (12.5 rows a second).</summary>
    public double MaxSeconds { get; set; } = 30;

    /// <summary>Largest clip file (an upload, or ref_audio after base64): 30 s of 48 kHz stereo 32-bit float is 11.5 MB.</summary>
    public long MaxUploadBytes { get; set; } = 12 * 1024 * 1024;

    /// <summary>Longest reference text (what is said in the clip).</summary>
    public int MaxReferenceTextCharacters { get; set; } = 2000;

    public void Validate()
    {
        if (!double.IsFinite(MaxSeconds) || MaxSeconds is <= 0 or > Codec.Encoder.ReferenceAudio.MaxSeconds)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"cloning.maxSeconds must be above 0 and at most {Codec.Encoder.ReferenceAudio.MaxSeconds}, got {MaxSeconds}"));
        }
        if (MaxUploadBytes < 1024)
        {
            throw new ArgumentException($"cloning.maxUploadBytes must be at least 1024, got {MaxUploadBytes}");
        }
        if (MaxReferenceTextCharacters < 1)
        {
            throw new ArgumentException($"cloning.maxReferenceTextCharacters must be at least 1, got {MaxReferenceTextCharacters}");
        }
    }
}
