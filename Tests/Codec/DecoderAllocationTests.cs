using Qwen3Tts.Inference.Codec.Decoder;

namespace Qwen3Tts.Tests.Codec;

/// <summary>
/// A decoder call allocates nothing once the session and the pooled workspace exist: history, activations and
/// the kernels' call state are reused. Counted on the calling thread over many calls, so not a timing test.
/// </summary>
public sealed class DecoderAllocationTests(TinyDecoderFixture fixture) : IClassFixture<TinyDecoderFixture>
{
    private static readonly int[] Chunks = [1, 4, 6, 1, 3, 6, 4];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void DecodingAndPrimingChunksAllocateNothingAfterWarmUp(int threads)
    {
        using var decoder = fixture.Load(new DecoderOptions { Threads = threads, MaxFramesPerPass = 4 });
        var codes = TinyDecoderFixture.RandomCodes(40, seed: 5, size: decoder.Config.CodebookSize);
        var audio = new float[6 * decoder.SamplesPerFrame];
        void Stream(DecoderSession session)
        {
            session.Prime(codes.AsSpan(0, 2 * 16));
            var frame = 2;
            foreach (var chunk in Chunks)
            {
                session.Decode(codes.AsSpan(frame * 16, chunk * 16), audio.AsSpan(0, chunk * decoder.SamplesPerFrame));
                frame += chunk;
            }
            session.Prime(codes.AsSpan(frame * 16, 3 * 16));
        }
        using (var warmUp = decoder.CreateSession())
        {
            Stream(warmUp); // the pooled workspace, first calls
        }
        using var session = decoder.CreateSession();

        var before = GC.GetAllocatedBytesForCurrentThread();
        Stream(session);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(2 + 25 + 3, session.FramesFed);
    }
}
