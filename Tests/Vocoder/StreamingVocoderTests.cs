using Qwen3Tts.Inference.Vocoder;
using Xunit.Abstractions;

namespace Qwen3Tts.Tests.Vocoder;

public sealed class StreamingVocoderTests(SyntheticVocoderFixture fixture, ITestOutputHelper output) : IClassFixture<SyntheticVocoderFixture>
{
    private const int PerFrame = 1920;

    /// <summary>
    /// Measured on the Tiny model (seed 1234): 7.9 % relative rms error for frames 32–63 with 24 context frames
    /// (see SYNTHETIC-VOCODER.md for why and for other context lengths). The bound leaves about 2× headroom.
    /// </summary>
    private const double ContextRelativeErrorBound = 0.15;

    [Fact]
    public void WindowsWithLeftContextMatchOneFullWindowDecode()
    {
        var codes = SyntheticVocoderFixture.RandomCodes(64, seed: 11);
        var reference = fixture.DecodeOneWindow(codes);
        var options = new VocoderOptions { IntraOpThreads = 1, ContextFrames = 24, ChunkFrames = 16 };

        var streamed = StreamingVocoder.DecodeAll(fixture.Model, codes, 64, options);

        Assert.Equal(reference.Length, streamed.Length);
        // Chunks 1 and 2 (frames 0–31) still start their window at frame 0: identical computation.
        Assert.Equal(reference.AsSpan(0, 32 * PerFrame).ToArray(), streamed.AsSpan(0, 32 * PerFrame).ToArray());
        // Later windows start at frame 8 and 24: history beyond the 24 context frames is cut off.
        var error = RelativeError(reference, streamed, 32 * PerFrame, 64 * PerFrame);
        output.WriteLine($"relative rms error of frames 32-63 with 24 context frames: {error:E3}");
        Assert.InRange(error, 0, ContextRelativeErrorBound);
    }

    [Fact]
    public void LeftContextIsCloserToTheFullDecodeThanTheSeedsHardReset()
    {
        var codes = SyntheticVocoderFixture.RandomCodes(64, seed: 12);
        var reference = fixture.DecodeOneWindow(codes);
        var withContext = StreamingVocoder.DecodeAll(fixture.Model, codes, 64, new VocoderOptions { IntraOpThreads = 1, ContextFrames = 24, ChunkFrames = 16 });
        var hardReset = StreamingVocoder.DecodeAll(fixture.Model, codes, 64, new VocoderOptions { IntraOpThreads = 1, ContextFrames = 0, ChunkFrames = 16 });

        var contextError = RelativeError(reference, withContext, 16 * PerFrame, 64 * PerFrame);
        var resetError = RelativeError(reference, hardReset, 16 * PerFrame, 64 * PerFrame);
        output.WriteLine($"frames 16-63: context 24 → {contextError:E3}, no context → {resetError:E3}");
        // Measured: 6.6 % with context against 44 % without.
        Assert.True(contextError * 4 < resetError, $"context {contextError}, reset {resetError}");
    }

    [Fact]
    public void ShortUtteranceEqualsTheStartOfOneWindow()
    {
        var codes = SyntheticVocoderFixture.RandomCodes(5, seed: 13);
        var reference = fixture.DecodeOneWindow(codes);
        var streamed = StreamingVocoder.DecodeAll(fixture.Model, codes, 5, new VocoderOptions { IntraOpThreads = 1 });
        Assert.Equal(reference.AsSpan(0, 5 * PerFrame).ToArray(), streamed);
    }

    [Fact]
    public void LongInputStreamsBeforeFlushAndEmitsEveryFrameOnce()
    {
        const int frames = 150;
        var codes = SyntheticVocoderFixture.RandomCodes(frames, seed: 14);
        var stream = new StreamingVocoder(fixture.Model, new VocoderOptions { IntraOpThreads = 1 });
        Assert.Equal(40, stream.ChunkFrames);
        var chunksBeforeFlush = 0;
        var collected = new List<float>();
        for (var frame = 0; frame < frames; frame++)
        {
            stream.Append(codes.AsSpan(frame * 16, 16));
            while (stream.TryDecode(out var samples, flush: false))
            {
                chunksBeforeFlush++;
                Assert.Equal(40 * PerFrame, samples.Length);
                collected.AddRange(samples.ToArray());
            }
            Assert.True(stream.PendingFrames < 40);
        }
        Assert.Equal(3, chunksBeforeFlush);
        Assert.Equal(30, stream.PendingFrames);
        while (stream.TryDecode(out var samples, flush: true))
        {
            collected.AddRange(samples.ToArray());
        }
        Assert.False(stream.TryDecode(out _, flush: true));
        Assert.Equal(frames * PerFrame, collected.Count);
        Assert.Equal(frames, stream.FramesEmitted);
        Assert.Equal(StreamingVocoder.DecodeAll(fixture.Model, codes, frames, new VocoderOptions { IntraOpThreads = 1 }), collected);
    }

    [Fact]
    public void EachChunkIsDecodedWithExactlyItsContextFramesInFront()
    {
        // Default options on a 64-frame model: context 24, chunks of 40. The third chunk (frames 80–119)
        // must come from the window [56, 120) and be that window's samples for frames 80–119.
        const int frames = 150;
        var codes = SyntheticVocoderFixture.RandomCodes(frames, seed: 16);
        var streamed = StreamingVocoder.DecodeAll(fixture.Model, codes, frames, new VocoderOptions { IntraOpThreads = 1 });

        var window = fixture.DecodeOneWindow(codes.AsSpan(56 * 16, 64 * 16).ToArray());
        Assert.Equal(window.AsSpan(24 * PerFrame, 40 * PerFrame).ToArray(), streamed.AsSpan(80 * PerFrame, 40 * PerFrame).ToArray());

        // The flushed tail (frames 120–149) comes from [96, 150) padded with zero codes.
        var tail = new long[64 * 16];
        codes.AsSpan(96 * 16, 54 * 16).CopyTo(tail);
        var tailWindow = fixture.DecodeOneWindow(tail);
        Assert.Equal(tailWindow.AsSpan(24 * PerFrame, 30 * PerFrame).ToArray(), streamed.AsSpan(120 * PerFrame).ToArray());
    }

    [Fact]
    public void NothingIsDecodedBeforeAChunkIsComplete()
    {
        var stream = new StreamingVocoder(fixture.Model, new VocoderOptions { IntraOpThreads = 1, ChunkFrames = 4 });
        var codes = SyntheticVocoderFixture.RandomCodes(3, seed: 15);
        Assert.False(stream.TryDecode(out _, flush: true));
        for (var frame = 0; frame < 3; frame++)
        {
            stream.Append(codes.AsSpan(frame * 16, 16));
        }
        Assert.False(stream.TryDecode(out var none, flush: false));
        Assert.True(none.IsEmpty);
        Assert.True(stream.TryDecode(out var flushed, flush: true));
        Assert.Equal(3 * PerFrame, flushed.Length);
    }

    [Theory]
    [InlineData(3, 2048)]
    [InlineData(15, -1)]
    public void OutOfRangeCodesNameFrameAndCodebook(int book, long code)
    {
        var stream = new StreamingVocoder(fixture.Model, new VocoderOptions { IntraOpThreads = 1 });
        stream.Append(new long[16]);
        var frame = new long[16];
        frame[book] = code;
        var error = Assert.Throws<ArgumentException>(() => stream.Append(frame));
        Assert.Contains($"frame 1, codebook {book}: code {code} is outside 0..2047", error.Message);
        Assert.Equal(1, stream.FramesAppended);
    }

    [Fact]
    public void FrameOfTheWrongWidthIsRejected()
    {
        var stream = new StreamingVocoder(fixture.Model, new VocoderOptions { IntraOpThreads = 1 });
        var error = Assert.Throws<ArgumentException>(() => stream.Append(new long[15]));
        Assert.Contains("frame 0: expected 16 codes, got 15", error.Message);
    }

    [Theory]
    [InlineData(64, null)]
    [InlineData(-1, null)]
    [InlineData(24, 41)]
    [InlineData(24, 0)]
    public void OptionsThatDoNotFitTheWindowAreRejected(int context, int? chunk)
    {
        var options = new VocoderOptions { IntraOpThreads = 1, ContextFrames = context, ChunkFrames = chunk };
        Assert.Throws<ArgumentOutOfRangeException>(() => new StreamingVocoder(fixture.Model, options));
    }

    private static double RelativeError(float[] reference, float[] actual, int start, int end)
    {
        double diff = 0, energy = 0;
        for (var i = start; i < end; i++)
        {
            diff += (double)(reference[i] - actual[i]) * (reference[i] - actual[i]);
            energy += (double)reference[i] * reference[i];
        }
        return Math.Sqrt(diff / energy);
    }
}
