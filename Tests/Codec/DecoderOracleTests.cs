using Qwen3Tts.Inference.Codec.Decoder;
using Qwen3Tts.Inference.Kernels.Float;
using Qwen3Tts.Tests.Oracle;
using Xunit.Abstractions;

namespace Qwen3Tts.Tests.Codec;

/// <summary>The engine against the plain port of the official decoder, on the tiny synthetic weights.</summary>
public sealed class DecoderOracleTests(TinyDecoderFixture fixture, ITestOutputHelper output) : IClassFixture<TinyDecoderFixture>
{
    public static TheoryData<FloatKernelPath> Paths() => [.. FloatKernelPaths.Supported];

    [Theory]
    [MemberData(nameof(Paths))]
    public void OneShotDecodeMatchesTheReference(FloatKernelPath path)
    {
        const int frames = 30;
        var codes = TinyDecoderFixture.RandomCodes(frames, seed: 11);
        var expected = new SpeechTokenizerDecoderReference(fixture.Checkpoint).Decode(codes, frames);
        using var decoder = fixture.Load(new DecoderOptions { KernelPath = path, MaxFramesPerPass = 64 });

        var audio = decoder.Decode(codes);

        Assert.Equal(frames * 1920, audio.Length);
        var error = TinyDecoderFixture.RelativeRms(audio, expected);
        var rms = Math.Sqrt(expected.Average(v => (double)v * v));
        output.WriteLine($"{path}: relative rms error {error:E2}, reference rms {rms:F4}, clipped {expected.Count(v => Math.Abs(v) >= 1f)}");
        Assert.True(error < 1e-5, $"relative rms error {error:E2}");
        Assert.InRange(rms, 0.02, 0.5);
    }
}
