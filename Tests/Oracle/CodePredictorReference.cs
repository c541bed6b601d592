using Qwen3Tts.Inference.Predictor;

namespace Qwen3Tts.Tests.Oracle;

/// <summary>
/// The predictor's per-frame loop (docs/qwen3-tts-model.md §2.3, seed notes §3.1–3.2) driven by
/// <see cref="Qwen3ReferenceForward"/>: no KV cache — the whole growing sequence is recomputed for
/// each of the 15 predictions — heads in double, greedy (argmax) choice.
/// </summary>
public sealed class CodePredictorReference(CodePredictorWeights weights)
{
    private readonly Qwen3ReferenceForward _stack = new(weights.Stack);
    private readonly float[][] _heads = weights.LmHeads.Select(h => h.ToFloat32()).ToArray();

    public (int[] Codes, double[] Feedback) PredictFrameGreedy(float[] talkerHidden, int code0)
    {
        var h = weights.HiddenSize;
        var sequence = new List<float>(talkerHidden);
        sequence.AddRange(Row(weights.TalkerCodecEmbedding, code0, h));
        var feedback = new double[h];
        Accumulate(feedback, weights.TtsPadEmbedding);
        Accumulate(feedback, Row(weights.TalkerCodecEmbedding, code0, h));
        var codes = new int[CodePredictorWeights.GroupCount];
        for (var g = 0; g < codes.Length; g++)
        {
            var length = sequence.Count / h;
            var last = _stack.Forward(sequence.ToArray(), length).AsSpan((length - 1) * h, h).ToArray();
            var logits = Qwen3ReferenceForward.Linear(_heads[g], last.Select(v => (double)v).ToArray(), _heads[g].Length / h);
            codes[g] = ArgMax(logits);
            var embedding = Row(weights.CodecEmbeddings[g], codes[g], h);
            Accumulate(feedback, embedding);
            sequence.AddRange(embedding);
        }
        return (codes, feedback);
    }

    private static float[] Row(float[] table, int row, int width) => table.AsSpan(row * width, width).ToArray();

    private static void Accumulate(double[] sum, float[] values)
    {
        for (var i = 0; i < sum.Length; i++)
        {
            sum[i] += values[i];
        }
    }

    private static int ArgMax(double[] values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }
        return best;
    }
}
