using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Predictor;
using Qwen3Tts.Inference.Qwen3;
using Qwen3Tts.Tests.Qwen3;

namespace Qwen3Tts.Tests.Predictor;

/// <summary>Seeded random predictor weights on the tiny Qwen3 config (hidden 64).</summary>
internal static class RandomPredictor
{
    public static CodePredictorWeights Create(int seed, WeightFormat format, Qwen3DecoderConfig? config = null)
    {
        var c = config ?? RandomQwen3.TinyConfig;
        var random = new Random(seed);
        var stack = RandomQwen3.Stack(c, seed + 1, format, "code_pred.");
        var embeddings = new float[CodePredictorWeights.GroupCount][];
        var heads = new QuantizedMatrix[CodePredictorWeights.GroupCount];
        for (var g = 0; g < embeddings.Length; g++)
        {
            embeddings[g] = RandomQwen3.Values(random, CodecTokenIds.CodebookSize * c.HiddenSize, 1f);
            heads[g] = RandomQwen3.Matrix(random, CodecTokenIds.CodebookSize, c.HiddenSize, format);
        }
        return new CodePredictorWeights(
            stack,
            embeddings,
            heads,
            RandomQwen3.Values(random, CodecTokenIds.TalkerVocabSize * c.HiddenSize, 1f),
            RandomQwen3.Values(random, c.HiddenSize, 0.5f));
    }
}
