using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Qwen3Tts.Inference.Vocoder;

namespace Qwen3Tts.Tests.Vocoder;

public sealed class SyntheticVocoderTests(SyntheticVocoderFixture fixture) : IClassFixture<SyntheticVocoderFixture>
{
    [Fact]
    public void TinyModelHasTheExactVocoderIoContract()
    {
        using var session = new InferenceSession(fixture.ModelPath);
        var input = Assert.Single(session.InputMetadata);
        Assert.Equal("audio_codes", input.Key);
        Assert.Equal(TensorElementType.Int64, input.Value.ElementDataType);
        Assert.Equal([1, 64, 16], input.Value.Dimensions);
        var output = Assert.Single(session.OutputMetadata);
        Assert.Equal("audio", output.Key);
        Assert.Equal(TensorElementType.Float, output.Value.ElementDataType);
        Assert.Equal([1, 1, 64 * 1920], output.Value.Dimensions);
        Assert.True(new FileInfo(fixture.ModelPath).Length < 3_000_000);
    }

    [Fact]
    public void WindowLengthComesFromTheModel()
    {
        var path = Path.Combine(fixture.Directory, "window8.onnx");
        SyntheticVocoderWriter.Write(path, SyntheticVocoderSize.Tiny, seed: 5, windowFrames: 8);
        using var model = VocoderModel.Load(path, new VocoderOptions { IntraOpThreads = 1, ContextFrames = 3 });
        Assert.Equal(8, model.WindowFrames);
        Assert.Equal(8 * 1920, model.WindowSamples);
    }

    [Fact]
    public void SameSeedWritesTheSameBytesAndAnotherSeedDoesNot()
    {
        var again = Path.Combine(fixture.Directory, "again.onnx");
        var other = Path.Combine(fixture.Directory, "other.onnx");
        SyntheticVocoderWriter.Write(again, SyntheticVocoderSize.Tiny, SyntheticVocoderFixture.Seed);
        SyntheticVocoderWriter.Write(other, SyntheticVocoderSize.Tiny, SyntheticVocoderFixture.Seed + 1);
        var original = File.ReadAllBytes(fixture.ModelPath);
        Assert.Equal(original, File.ReadAllBytes(again));
        Assert.NotEqual(original, File.ReadAllBytes(other));
    }

    [Fact]
    public void OutputIsFiniteAudibleAndMostlyUnclipped()
    {
        var audio = fixture.DecodeOneWindow(SyntheticVocoderFixture.RandomCodes(64, seed: 1));
        Assert.All(audio, s => Assert.True(float.IsFinite(s)));
        var rms = Math.Sqrt(audio.Sum(s => (double)s * s) / audio.Length);
        var clipped = audio.Count(s => Math.Abs(s) >= 1f) / (double)audio.Length;
        Assert.InRange(rms, 0.01, 0.5);
        Assert.InRange(clipped, 0.0, 0.05);
    }

    [Fact]
    public void DifferentCodesGiveDifferentAudio()
    {
        var a = fixture.DecodeOneWindow(SyntheticVocoderFixture.RandomCodes(64, seed: 1));
        var b = fixture.DecodeOneWindow(SyntheticVocoderFixture.RandomCodes(64, seed: 2));
        var difference = Math.Sqrt(a.Zip(b, (x, y) => (double)(x - y) * (x - y)).Sum() / a.Length);
        Assert.True(difference > 0.005, $"rms difference {difference}");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(17)]
    [InlineData(63)]
    public void ChangingFrameKLeavesEarlierSamplesBitIdentical(int k)
    {
        var codes = SyntheticVocoderFixture.RandomCodes(64, seed: 3);
        var before = fixture.DecodeOneWindow(codes);
        for (var book = 0; book < 16; book++)
        {
            codes[k * 16 + book] = (codes[k * 16 + book] + 1000) % 2048;
        }
        var after = fixture.DecodeOneWindow(codes);

        var boundary = k * 1920;
        Assert.Equal(before.AsSpan(0, boundary).ToArray(), after.AsSpan(0, boundary).ToArray());
        // The change must show up from frame k on, or the test above proves nothing.
        Assert.False(before.AsSpan(boundary, 1920).SequenceEqual(after.AsSpan(boundary, 1920)));
    }
}
