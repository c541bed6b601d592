using Qwen3Tts.Inference;
using Qwen3Tts.Inference.Predictor;
using Qwen3Tts.Inference.Qwen3;

namespace Qwen3Tts.Tests.Predictor;

public class CodePredictorWeightsTests
{
    [Fact]
    public void WrongHeadShapeNamesTheHead()
    {
        var good = RandomPredictor.Create(150, WeightFormat.Float32);
        var heads = good.LmHeads.ToArray();
        heads[3] = QuantizedMatrix.FromFloat32(new float[2048 * 32], 2048, 32);
        var e = Assert.Throws<ModelFormatException>(() => new CodePredictorWeights(
            good.Stack, good.CodecEmbeddings.ToArray(), heads, good.TalkerCodecEmbedding, good.TtsPadEmbedding));
        Assert.Equal("code_pred.lm_head.3.weight", e.TensorName);
        Assert.Contains("expected matrix [2048 x 64]", e.Message);
        Assert.Contains("found [2048 x 32]", e.Message);
    }

    [Fact]
    public void WrongEmbeddingTablesAreNamed()
    {
        var good = RandomPredictor.Create(151, WeightFormat.Float32);
        var embeddings = good.CodecEmbeddings.ToArray();
        embeddings[14] = new float[2047 * 64];
        var e = Assert.Throws<ModelFormatException>(() => new CodePredictorWeights(
            good.Stack, embeddings, good.LmHeads.ToArray(), good.TalkerCodecEmbedding, good.TtsPadEmbedding));
        Assert.Equal("code_pred.codec_embd.14.weight", e.TensorName);
        Assert.Contains("expected table [2048 x 64], found [2047 x 64]", e.Message);

        e = Assert.Throws<ModelFormatException>(() => new CodePredictorWeights(
            good.Stack, good.CodecEmbeddings.Take(14).ToArray(), good.LmHeads.ToArray(), good.TalkerCodecEmbedding, good.TtsPadEmbedding));
        Assert.Contains("expected 15 codebook embeddings, found 14", e.Message);

        e = Assert.Throws<ModelFormatException>(() => new CodePredictorWeights(
            good.Stack, good.CodecEmbeddings.ToArray(), good.LmHeads.ToArray(), new float[2048 * 64], good.TtsPadEmbedding));
        Assert.Equal("talker.codec_embd.weight", e.TensorName);

        e = Assert.Throws<ModelFormatException>(() => new CodePredictorWeights(
            good.Stack, good.CodecEmbeddings.ToArray(), good.LmHeads.ToArray(), good.TalkerCodecEmbedding, new float[65]));
        Assert.Equal("tts_pad_embed", e.TensorName);
    }
}
