using Qwen3Tts.Inference.Vocoder;

namespace Qwen3Tts.Tests.Codec;

/// <summary>
/// The native stream's chunk schedule: the first chunk early, each later one twice the one before up to ChunkFrames
/// (short chunks while little audio is buffered, long passes once a stream runs), and the audio the one-shot decode
/// whatever the schedule.
/// </summary>
public sealed class NativeVocoderStreamTests(TinyDecoderFixture fixture) : IClassFixture<TinyDecoderFixture>
{
    [Theory]
    [InlineData(1, 8, new[] { 1, 2, 4, 8, 8, 8, 1 })]
    [InlineData(1, 4, new[] { 1, 2, 4, 4, 4, 4, 4, 4, 4, 1 })]
    [InlineData(3, 8, new[] { 3, 6, 8, 8, 8, 1 })]
    [InlineData(2, 3, new[] { 2, 3, 3, 3, 1 })]
    [InlineData(4, 2, new[] { 2, 2, 2, 2, 1 })] // a first chunk longer than the longest is cut to it
    public void ChunksRampUpFromTheFirstToTheLongest(int first, int longest, int[] expected)
    {
        // As many frames as the schedule holds: each chunk comes out when its last frame is appended, and the one
        // frame left at the end comes out at the flush.
        var codes = TinyDecoderFixture.RandomCodes(expected.Sum(), seed: 21);
        using var vocoder = new NativeVocoder(fixture.Load(), new VocoderOptions { FirstChunkFrames = first, ChunkFrames = longest });
        using var stream = vocoder.OpenStream();
        var chunks = new List<int>();
        var audio = new List<float>();
        for (var f = 0; f * 16 < codes.Length; f++)
        {
            stream.Append(codes.AsSpan(f * 16, 16));
            if (stream.TryDecode(out var samples, flush: false))
            {
                chunks.Add(samples.Length / vocoder.SamplesPerFrame);
                audio.AddRange(samples.Span);
            }
        }
        Assert.True(stream.TryDecode(out var rest, flush: true));
        chunks.Add(rest.Length / vocoder.SamplesPerFrame);
        audio.AddRange(rest.Span);

        Assert.Equal(expected, chunks);
        var frames = codes.Length / 16;
        using var oneShot = new NativeVocoder(fixture.Load(), new VocoderOptions { FirstChunkFrames = frames, ChunkFrames = frames });
        Assert.Equal(VocoderStreams.DecodeAll(oneShot, codes), audio.ToArray());
    }
}
