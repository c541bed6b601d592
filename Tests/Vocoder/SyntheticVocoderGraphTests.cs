using Qwen3Tts.Inference.Vocoder;

namespace Qwen3Tts.Tests.Vocoder;

/// <summary>
/// Builds graphs without writing them (weights stay lazy), so the Full06B structure can be checked in a unit test.
/// </summary>
public sealed class SyntheticVocoderGraphTests
{
    [Theory]
    [InlineData(SyntheticVocoderSize.Tiny)]
    [InlineData(SyntheticVocoderSize.Full06B)]
    public void ParameterCountMatchesTheDecoderLayoutOfSection43(SyntheticVocoderSize size)
    {
        var config = SyntheticVocoderConfig.For(size);
        const int window = 64;
        var graph = SyntheticVocoderGraph.Build(config, seed: 1, windowFrames: window);

        var tables = (long)window * window + 2L * window * config.HeadDim + (long)config.HeadDim * config.HeadDim;
        var smallConstants = graph.InitializerElementCount - ExpectedParameters(config) - tables;
        // Only index/shape constants and scalars are left: a missing or extra layer would be thousands of elements.
        Assert.InRange(smallConstants, 1, 400);
    }

    [Fact]
    public void Full06BHasTheRealDecodersSizeAndCost()
    {
        var parameters = ExpectedParameters(SyntheticVocoderConfig.Full06B);
        // 114.0 M float32 parameters = 435 MiB, the size of the seed's vocoder.onnx (436 MB).
        Assert.Equal(114_028_224, parameters);
        Assert.Equal(1920, SyntheticVocoderConfig.Full06B.TotalUpsampling);
    }

    [Fact]
    public void InconsistentConfigIsRejected()
    {
        var bad = SyntheticVocoderConfig.Tiny with { UpsampleRates = [8, 5, 4, 2] };
        var error = Assert.Throws<ArgumentException>(() => SyntheticVocoderGraph.Build(bad, 1, 8));
        Assert.Contains("multiply to 1280, expected 1920", error.Message);
    }

    /// <summary>Learned parameters of the decoder in qwen3-tts-model.md §4.3, counted independently of the graph code.</summary>
    private static long ExpectedParameters(SyntheticVocoderConfig c)
    {
        long latent = c.LatentDim, hidden = c.HiddenSize, attention = (long)c.HeadCount * c.HeadDim, ffn = c.FeedForwardSize;
        long p = 16L * 2048 * c.CodebookRowDim + 2L * c.CodebookRowDim * c.CodebookDim;    // codebooks + 2 output_proj
        p += latent * c.CodebookDim * 3 + latent;                                          // pre_conv
        p += latent * hidden + hidden;                                                     // input_proj
        p += c.LayerCount * (2 * hidden + 3 * hidden * attention + attention * hidden + 2 * hidden + 3 * hidden * ffn);
        p += hidden + hidden * latent + latent;                                            // norm + output_proj
        foreach (var ratio in c.UpsamplingRatios)
        {
            p += latent * latent * ratio + latent;                                         // ConvTranspose
            p += latent * 7 + latent + 2 * latent + 2 * (latent * 4 * latent) + 4 * latent + latent + latent; // ConvNeXt
        }
        long channels = c.DecoderDim;
        p += channels * latent * 7 + channels;                                             // conv_in
        foreach (var rate in c.UpsampleRates)
        {
            var next = channels / 2;
            p += 2 * channels + channels * next * 2 * rate + next;                         // SnakeBeta + ConvTranspose
            p += 3 * (2 * next + next * next * 7 + next + 2 * next + next * next + next);  // residual units
            channels = next;
        }
        return p + 2 * channels + channels * 7;                                            // SnakeBeta + conv_out
    }
}
