using Qwen3Tts.Inference.Codec.Encoder;
using Qwen3Tts.Inference.Formats.Safetensors;
using Qwen3Tts.Tests.Oracle;
using Qwen3Tts.Tests.Pipeline;
using Xunit.Abstractions;

namespace Qwen3Tts.Tests.Codec.Encoder;

/// <summary>The audio encoder against the plain double reference on the tiny synthetic speech tokenizer.</summary>
[Collection(TinyModelsCollection.Name)]
public sealed class MimiAudioEncoderTests(TinyModelsFixture models, ITestOutputHelper output)
{
    private readonly string _weights = models.Store().ResolveSpeechTokenizer().Safetensors;

    /// <summary>Speech-like test audio: a few partials with vibrato plus noise, around −10 dBFS.</summary>
    internal static float[] TestAudio(int samples, int seed = 3)
    {
        var random = new Random(seed);
        var audio = new float[samples];
        for (var n = 0; n < samples; n++)
        {
            var t = n / 24000.0;
            var f0 = 140 + 20 * Math.Sin(2 * Math.PI * 3 * t);
            audio[n] = (float)(0.2 * Math.Sin(2 * Math.PI * f0 * t) + 0.1 * Math.Sin(2 * Math.PI * 3.1 * f0 * t + 1)
                + 0.05 * Math.Sin(2 * Math.PI * 2200 * t) + 0.05 * (random.NextDouble() * 2 - 1));
        }
        return audio;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1919)]
    [InlineData(1920)]
    [InlineData(1921)]
    [InlineData(24000 * 3 + 77)]
    public void CodesAndLatentsEqualThePlainReference(int length)
    {
        var audio = TestAudio(length);
        var encoder = MimiAudioEncoder.Load(_weights);
        using var file = SafetensorsFile.Open(_weights);
        var reference = new MimiEncoderReference(file, encoder.Config);

        var encoded = encoder.Encode(audio);
        var latents = reference.Latents(audio);

        Assert.Equal((length + 1919) / 1920, encoded.Frames);
        Assert.Equal(latents.Length, encoded.Frames);
        Assert.Equal(16, encoded.Codebooks);
        double error = 0, energy = 0;
        for (var f = 0; f < encoded.Frames; f++)
        {
            for (var i = 0; i < encoded.LatentWidth; i++)
            {
                var d = encoded.Latents[f * encoded.LatentWidth + i] - latents[f][i];
                error += d * d;
                energy += latents[f][i] * latents[f][i];
            }
        }
        Assert.True(Math.Sqrt(error / energy) < 1e-5, $"latents differ from the reference by {Math.Sqrt(error / energy):E2} (relative RMS)");

        // Each decision judged on its own: the reference follows the engine's codes and says where the nearest centroid was.
        var decisions = reference.Quantize(latents, encoded.Codes);
        Assert.Equal(encoded.Codes.Length, decisions.Count);
        var differing = decisions.Where(d => d.Chosen != d.Nearest).ToList();
        foreach (var d in differing)
        {
            // A different pick is only acceptable as a near-tie that float rounding can flip.
            Assert.True(d.ChosenDistance - d.NearestDistance <= 1e-4 * d.NearestDistance,
                $"frame {d.Frame} codebook {d.Codebook}: engine chose {d.Chosen} at {d.ChosenDistance}, nearest is {d.Nearest} at {d.NearestDistance}");
        }
        output.WriteLine($"{length} samples: latents relative RMS error {Math.Sqrt(error / Math.Max(energy, 1e-300)):E2}, {differing.Count} of {decisions.Count} decisions differ (near-ties)");
        Assert.True(differing.Count * 100 <= decisions.Count, $"{differing.Count} of {decisions.Count} decisions were near-ties");
    }

    [Fact]
    public void TheResultDoesNotDependOnChunkOrThreads()
    {
        var audio = TestAudio(24000 * 2 + 1234, seed: 9);
        var whole = MimiAudioEncoder.Load(_weights, new MimiEncoderOptions { ChunkSamples = 960 * 64, Threads = 2 }).Encode(audio);
        var small = MimiAudioEncoder.Load(_weights, new MimiEncoderOptions { ChunkSamples = 960, Threads = 1 }).Encode(audio);
        var odd = MimiAudioEncoder.Load(_weights, new MimiEncoderOptions { ChunkSamples = 960 * 7, Threads = 2 }).Encode(audio);

        Assert.Equal(whole.Latents, small.Latents);
        Assert.Equal(whole.Latents, odd.Latents);
        Assert.Equal(whole.Codes, small.Codes);
        Assert.Equal(whole.Codes, odd.Codes);
    }

    [Fact]
    public void TheCodesUseTheEncodersOwnCodebooksAndVaryWithTheAudio()
    {
        var encoder = MimiAudioEncoder.Load(_weights);
        var a = encoder.Encode(TestAudio(24000, seed: 1));
        var b = encoder.Encode(TestAudio(24000, seed: 2));

        Assert.All(a.Codes, c => Assert.InRange(c, 0, 2047));
        Assert.NotEqual(a.Codes, b.Codes);
        // Random weights still spread the choices: more than a handful of distinct codes per codebook.
        for (var k = 0; k < a.Codebooks; k++)
        {
            Assert.True(Enumerable.Range(0, a.Frames).Select(f => a.Codes[f * a.Codebooks + k]).Distinct().Count() > 1, $"codebook {k} is constant");
        }
    }

    [Fact]
    public void BadOptionsAreRefused()
    {
        Assert.Throws<ArgumentException>(() => MimiAudioEncoder.Load(_weights, new MimiEncoderOptions { ChunkSamples = 1000 }));
        Assert.Throws<ArgumentException>(() => MimiAudioEncoder.Load(_weights, new MimiEncoderOptions { Threads = 0 }));
    }
}
