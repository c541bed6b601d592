using Qwen3Tts.Inference;
using Qwen3Tts.Inference.Qwen3;

namespace Qwen3Tts.Tests.Qwen3;

public class Qwen3StackWeightsTests
{
    [Fact]
    public void WrongMatrixShapeNamesLayerTensorExpectedAndFound()
    {
        var config = RandomQwen3.TinyConfig;
        var good = RandomQwen3.Stack(config, 70, WeightFormat.Float32);
        var l = good.Layers[1];
        var badQ = QuantizedMatrix.FromFloat32(new float[64 * 64], 64, 64);
        var layers = good.Layers.ToArray();
        layers[1] = new Qwen3LayerWeights(l.AttnNorm, badQ, l.K, l.V, l.O, l.QNorm, l.KNorm, l.FfnNorm, l.Gate, l.Up, l.Down);

        var e = Assert.Throws<ModelFormatException>(() => new Qwen3StackWeights(config, layers, good.OutputNorm, "code_pred."));
        Assert.Equal("code_pred.blk.1.attn_q.weight", e.TensorName);
        Assert.Contains("expected matrix [128 x 64]", e.Message);
        Assert.Contains("found [64 x 64]", e.Message);
    }

    [Fact]
    public void WrongNormLengthAndLayerCountAreReported()
    {
        var config = RandomQwen3.TinyConfig;
        var good = RandomQwen3.Stack(config, 71, WeightFormat.Float32);
        var l = good.Layers[0];
        var layers = good.Layers.ToArray();
        layers[0] = new Qwen3LayerWeights(l.AttnNorm, l.Q, l.K, l.V, l.O, l.QNorm, new float[64], l.FfnNorm, l.Gate, l.Up, l.Down);
        var e = Assert.Throws<ModelFormatException>(() => new Qwen3StackWeights(config, layers, good.OutputNorm));
        Assert.Equal("blk.0.attn_k_norm.weight", e.TensorName);
        Assert.Contains("expected vector [32], found [64]", e.Message);

        e = Assert.Throws<ModelFormatException>(() => new Qwen3StackWeights(config, good.Layers.Take(1).ToArray(), good.OutputNorm));
        Assert.Contains("config has 2 layers but 1 were supplied", e.Message);

        e = Assert.Throws<ModelFormatException>(() => new Qwen3StackWeights(config, good.Layers.ToArray(), new float[3]));
        Assert.Equal("output_norm.weight", e.TensorName);
    }
}
