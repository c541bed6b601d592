using Qwen3Tts.Inference.Models;

namespace Qwen3Tts.Inference.Prompt;

/// <summary>
/// A voice to clone: reference codec frames (16 codes each, from the speech tokenizer) and,
/// for in-context learning, the text spoken in them. An optional speaker vector (the official
/// ECAPA x-vector) is inserted as its own prompt row when present.
/// </summary>
public sealed class VoiceReference
{
    public VoiceReference(long[] codes, string? referenceText, float[]? speakerEmbedding = null)
    {
        ArgumentNullException.ThrowIfNull(codes);
        if (codes.Length == 0 || codes.Length % CodecTokenIds.CodebookCount != 0)
        {
            throw new ArgumentException(
                $"voice codes must be a non-empty [frames, {CodecTokenIds.CodebookCount}] array; got {codes.Length} values", nameof(codes));
        }
        for (var i = 0; i < codes.Length; i++)
        {
            if (codes[i] < 0 || codes[i] >= CodecTokenIds.CodebookSize)
            {
                throw new ArgumentException(
                    $"voice code out of range at frame {i / CodecTokenIds.CodebookCount}, codebook {i % CodecTokenIds.CodebookCount}: {codes[i]} (expected 0..{CodecTokenIds.CodebookSize - 1})", nameof(codes));
            }
        }
        Codes = codes;
        ReferenceText = string.IsNullOrWhiteSpace(referenceText) ? null : referenceText;
        SpeakerEmbedding = speakerEmbedding;
    }

    /// <summary>Row-major [FrameCount, 16] codes.</summary>
    public long[] Codes { get; }

    public int FrameCount => Codes.Length / CodecTokenIds.CodebookCount;

    public string? ReferenceText { get; }

    public float[]? SpeakerEmbedding { get; }
}
