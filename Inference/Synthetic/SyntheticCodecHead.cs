using Qwen3Tts.Inference.Models;

namespace Qwen3Tts.Inference.Synthetic;

/// <summary>
/// The synthetic talker's codec head: unit-variance-ish random rows, a little sharper than a plain Linear so
/// the random talker does not sample uniformly, and an EOS row <see cref="EosRowScale"/> times larger. With
/// every row alike, EOS would be one id among 2049 and a random talker would speak until the frame cap (the
/// official behaviour has no forced stop); with its logit spread twice as wide, EOS wins now and then and a
/// synthetic utterance ends after some tens of frames, as a real one ends after its text.
/// </summary>
internal static class SyntheticCodecHead
{
    public const float EosRowScale = 2f;

    public static float RowScale(int hidden) => SyntheticWeights.LinearScale(hidden) * 4f;

    /// <summary>Rows [first, first + count) of the [talker vocab, hidden] head.</summary>
    public static void Fill(SyntheticWeights weights, long first, int count, int hidden, Span<float> destination)
    {
        weights.Fill(SyntheticTensorNames.TalkerCodecHead, first, count, hidden, RowScale(hidden), destination);
        var eos = CodecTokenIds.Eos - first;
        if (eos >= 0 && eos < count)
        {
            foreach (ref var value in destination.Slice((int)eos * hidden, hidden))
            {
                value *= EosRowScale;
            }
        }
    }

    public static Action<long, int, Span<float>> Rows(SyntheticWeights weights, int hidden) =>
        (first, count, destination) => Fill(weights, first, count, hidden, destination);

    public static float[] Create(SyntheticWeights weights, int hidden)
    {
        var head = new float[CodecTokenIds.TalkerVocabSize * hidden];
        Fill(weights, 0, CodecTokenIds.TalkerVocabSize, hidden, head);
        return head;
    }
}
