using Qwen3Tts.Inference.Codec.Decoder;
using Qwen3Tts.Tests.Oracle;
using Xunit.Abstractions;

namespace Qwen3Tts.Tests.Codec;

/// <summary>
/// Streaming exactness over an utterance longer than the decoder's receptive field (8 attention layers of 72 keys
/// plus the convs: ~580 frames): every chunking gives the one-shot samples, and those equal the reference's.
/// </summary>
public sealed class DecoderStreamingTests(TinyDecoderFixture fixture, ITestOutputHelper output) : IClassFixture<TinyDecoderFixture>
{
    private const int Frames = 640;
    private static readonly long[] Codes = TinyDecoderFixture.RandomCodes(Frames, seed: 5);

    [Fact]
    public void EveryChunkingGivesTheOneShotSamplesAndTheyMatchTheReference()
    {
        using var decoder = fixture.Load(new DecoderOptions { MaxFramesPerPass = Frames });
        var oneShot = decoder.Decode(Codes);
        var reference = new SpeechTokenizerDecoderReference(fixture.Checkpoint).Decode(Codes, Frames);
        var error = TinyDecoderFixture.RelativeRms(oneShot, reference);
        output.WriteLine($"one-shot vs reference over {Frames} frames: relative rms {error:E2}");
        Assert.True(error <= 1e-5, $"relative rms {error:E2}");

        // The tail is where left context matters: a decode that restarted within the receptive field would differ here.
        var tail = (Frames - 60) * 1920;
        Assert.True(TinyDecoderFixture.RelativeRms(oneShot.AsSpan(tail), reference.AsSpan(tail)) <= 1e-5);

        foreach (var chunk in new[] { 1, 7, 40, 300 })
        {
            var streamed = Stream(decoder, chunk);
            var mismatch = Enumerable.Range(0, streamed.Length).FirstOrDefault(i => streamed[i] != oneShot[i], -1);
            output.WriteLine($"chunk {chunk}: first differing sample {mismatch}, relative rms {TinyDecoderFixture.RelativeRms(streamed, oneShot):E2}");
            Assert.Equal(-1, mismatch);
        }
    }

    [Fact]
    public void PassesShorterThanTheCallGiveTheSameSamples()
    {
        using var wide = fixture.Load(new DecoderOptions { MaxFramesPerPass = 64 });
        using var narrow = fixture.Load(new DecoderOptions { MaxFramesPerPass = 3, Threads = 1 });
        var codes = Codes.AsSpan(0, 100 * 16).ToArray();

        Assert.Equal(wide.Decode(codes), narrow.Decode(codes));
    }

    [Fact]
    public void PrimingVoicesTheRestAsTheConcatenationWould()
    {
        using var decoder = fixture.Load();
        const int reference = 150;
        var whole = decoder.Decode(Codes.AsSpan(0, 400 * 16));

        using var session = decoder.CreateSession();
        session.Prime(Codes.AsSpan(0, reference * 16));
        var rest = session.Decode(Codes.AsSpan(reference * 16, (400 - reference) * 16));

        Assert.Equal(reference, 150);
        Assert.Equal(whole.AsSpan(reference * 1920).ToArray(), rest);
    }

    [Fact]
    public void BadCodesAreRefusedWithTheFrameAndCodebook()
    {
        using var decoder = fixture.Load();
        using var session = decoder.CreateSession();
        session.Decode(Codes.AsSpan(0, 32));
        var codes = Codes.AsSpan(0, 32).ToArray();
        codes[16 + 3] = 2048;

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => session.Decode(codes));

        Assert.Contains("frame 3, codebook 3: code 2048 is outside 0..2047", error.Message);
        Assert.Throws<ArgumentException>(() => session.Decode(Codes.AsSpan(0, 15)));
        Assert.Throws<ArgumentException>(() => session.Decode(ReadOnlySpan<long>.Empty));
        Assert.Throws<ArgumentException>(() => session.Decode(Codes.AsSpan(0, 16), new float[1919]));
        Assert.Equal(2, session.FramesFed);
    }

    private static float[] Stream(SpeechTokenizerDecoder decoder, int chunk)
    {
        using var session = decoder.CreateSession();
        var audio = new float[Frames * 1920];
        for (var start = 0; start < Frames; start += chunk)
        {
            var count = Math.Min(chunk, Frames - start);
            session.Decode(Codes.AsSpan(start * 16, count * 16), audio.AsSpan(start * 1920, count * 1920));
        }
        Assert.Equal(Frames, session.FramesFed);
        return audio;
    }
}
