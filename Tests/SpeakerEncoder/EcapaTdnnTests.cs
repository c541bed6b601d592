using Qwen3Tts.Inference.Codec.SpeakerEncoder;
using Qwen3Tts.Inference.Kernels.Float;
using Qwen3Tts.Inference.Qwen3;
using Qwen3Tts.Inference.Synthetic;
using Qwen3Tts.Tests.Oracle;

namespace Qwen3Tts.Tests.SpeakerEncoder;

/// <summary>The engine's x-vector against the plain reference of the official network, on random weights.</summary>
public sealed class EcapaTdnnTests
{
    [Theory]
    [InlineData(72000, 1)]   // 3 s: 281 frames
    [InlineData(24321, 1)]   // a partial last hop
    [InlineData(1280, 3)]    // the shortest clip: 5 frames, the dilation-4 reflect padding's minimum
    public void TinyNetworkXVectorsEqualTheReference(int samples, int seed)
    {
        var weights = SyntheticSpeakerEncoderWriter.Create(SpeakerEncoderConfig.Tiny(32), new SyntheticWeights(seed));
        var (audio, mel) = ReferenceClips.Get(samples, seed);

        var xvector = new SpeakerEmbeddingExtractor(weights).Extract(audio);

        var expected = new SpeakerEncoderReference(weights).Forward(mel);
        AssertClose(expected, xvector, 1e-4);
    }

    [Fact]
    public void ThePublishedWidthsEqualTheReference()
    {
        // Real dims (512/1536 channels, 128 attention, x-vector 1024) on a short clip keep the reference quick.
        var weights = SyntheticSpeakerEncoderWriter.Create(SpeakerEncoderConfig.Official(1024), new SyntheticWeights(11));
        var audio = SpeechLikeSignal.Create(2560, 4);

        var xvector = new SpeakerEmbeddingExtractor(weights).Extract(audio);

        var expected = new SpeakerEncoderReference(weights).Forward(SpeakerMelReference.LogMel(audio));
        AssertClose(expected, xvector, 1e-4);
    }

    [Fact]
    public void WorkersAndOneThreadGiveTheSameXVector()
    {
        var weights = SyntheticSpeakerEncoderWriter.Create(SpeakerEncoderConfig.Tiny(32), new SyntheticWeights(3));
        var audio = SpeechLikeSignal.Create(48000, 5);
        using var workers = new RowParallelism(3, minWeightsToSplit: 1);

        var parallel = new SpeakerEmbeddingExtractor(weights, workers).Extract(audio);
        var sequential = new SpeakerEmbeddingExtractor(weights, RowParallelism.Sequential).Extract(audio);

        Assert.Equal(sequential, parallel);
    }

    [Fact]
    public void EveryKernelPathOfThisCpuGivesThePortableBits()
    {
        var weights = SyntheticSpeakerEncoderWriter.Create(SpeakerEncoderConfig.Tiny(32), new SyntheticWeights(4));
        var audio = SpeechLikeSignal.Create(24000, 6);

        var portable = new SpeakerEmbeddingExtractor(weights, path: FloatKernelPath.Generic).Extract(audio);

        Assert.All(FloatKernelPaths.Supported, path => Assert.Equal(portable, new SpeakerEmbeddingExtractor(weights, path: path).Extract(audio)));
    }

    [Fact]
    public void DifferentVoicesGiveDifferentXVectors()
    {
        var extractor = new SpeakerEmbeddingExtractor(SyntheticSpeakerEncoderWriter.Create(SpeakerEncoderConfig.Tiny(32), new SyntheticWeights(3)));

        var a = extractor.Extract(SpeechLikeSignal.Create(24000, 1));
        var b = extractor.Extract(SpeechLikeSignal.Create(24000, 2));

        Assert.All(a, v => Assert.True(float.IsFinite(v)));
        Assert.True(a.Zip(b).Max(p => Math.Abs(p.First - p.Second)) > 1e-3);
    }

    [Fact]
    public void BadAudioIsAClearError()
    {
        var extractor = new SpeakerEmbeddingExtractor(SyntheticSpeakerEncoderWriter.Create(SpeakerEncoderConfig.Tiny(32), new SyntheticWeights(3)));
        var audio = SpeechLikeSignal.Create(4800);
        audio[100] = float.NaN;

        Assert.Contains("non-finite sample (NaN) at index 100", Assert.Throws<ArgumentException>(() => extractor.Extract(audio)).Message);
        Assert.Contains("it needs at least 1280 (53.3 ms at 24 kHz)", Assert.Throws<ArgumentException>(() => extractor.Extract(new float[1279])).Message);
    }

    internal static void AssertClose(double[] expected, float[] actual, double relative)
    {
        Assert.Equal(expected.Length, actual.Length);
        var norm = Math.Sqrt(expected.Sum(v => v * v));
        var error = Math.Sqrt(expected.Zip(actual).Sum(p => (p.First - p.Second) * (p.First - p.Second)));
        Assert.True(norm > 1e-3, $"reference x-vector norm {norm}");
        Assert.True(error <= relative * norm, $"relative error {error / norm:E2} > {relative:E0} (norm {norm:F4})");
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], relative * 10 * norm);
        }
    }
}
