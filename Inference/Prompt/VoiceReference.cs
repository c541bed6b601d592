using Qwen3Tts.Inference.Models;

namespace Qwen3Tts.Inference.Prompt;

/// <summary>
/// A voice to clone: reference codec frames (16 codes each, from the speech tokenizer) and,
/// for in-context learning, the text spoken in them. An optional speaker vector (the official
/// ECAPA x-vector) is inserted as its own prompt row when present; a voice with a speaker vector and
/// no frames is the official x-vector-only mode.
/// </summary>
public sealed class VoiceReference
{
    public VoiceReference(long[] codes, string? referenceText, float[]? speakerEmbedding = null)
    {
        ArgumentNullException.ThrowIfNull(codes);
        if ((codes.Length == 0 && speakerEmbedding is null) || codes.Length % CodecTokenIds.CodebookCount != 0)
        {
            throw new ArgumentException(
                $"voice codes must be a non-empty [frames, {CodecTokenIds.CodebookCount}] array (or empty with a speaker embedding); got {codes.Length} values", nameof(codes));
        }
        if (speakerEmbedding is { Length: 0 })
        {
            throw new ArgumentException("the speaker embedding is empty", nameof(speakerEmbedding));
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

    /// <summary>Only a speaker vector, no reference frames: the official x-vector-only mode.</summary>
    public bool IsSpeakerEmbeddingOnly => FrameCount == 0;

    public string? ReferenceText { get; }

    public float[]? SpeakerEmbedding { get; }
}
