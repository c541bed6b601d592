using Qwen3Tts.Inference.Codec.Decoder;
using Qwen3Tts.Inference.Synthetic;

namespace Qwen3Tts.Tests.Codec;

/// <summary>The tiny synthetic speech_tokenizer/ directory (as `models synth` writes it), written once per test class.</summary>
public sealed class TinyDecoderFixture : IDisposable
{
    public const int WeightSeed = 777;

    public TinyDecoderFixture()
    {
        SyntheticSpeechTokenizerWriter.Write(Directory, SyntheticPreset.Tiny, new SyntheticWeights(WeightSeed));
        Checkpoint = DecoderCheckpoint.Open(WeightsPath);
    }

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), $"qwen3tts-decoder-{Guid.NewGuid():N}");

    public string WeightsPath => Path.Combine(Directory, "model.safetensors");

    public DecoderCheckpoint Checkpoint { get; }

    public SpeechTokenizerDecoder Load(DecoderOptions? options = null) => SpeechTokenizerDecoder.Load(WeightsPath, options);

    /// <summary>Uniform random codes, frame-major.</summary>
    public static long[] RandomCodes(int frames, int seed, int books = 16, int size = 2048)
    {
        var random = new Random(seed);
        var codes = new long[frames * books];
        for (var i = 0; i < codes.Length; i++)
        {
            codes[i] = random.Next(size);
        }
        return codes;
    }

    /// <summary>sqrt(Σ(a − b)²) / sqrt(Σ b²).</summary>
    public static double RelativeRms(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        Assert.Equal(expected.Length, actual.Length);
        double error = 0, energy = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            error += (actual[i] - (double)expected[i]) * (actual[i] - (double)expected[i]);
            energy += (double)expected[i] * expected[i];
        }
        return Math.Sqrt(error / energy);
    }

    public void Dispose()
    {
        Checkpoint.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
