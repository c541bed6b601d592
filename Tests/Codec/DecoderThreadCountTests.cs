using Qwen3Tts.Inference.Codec.Decoder;
using Qwen3Tts.Inference.Qwen3;
using Qwen3Tts.Inference.Threading;

namespace Qwen3Tts.Tests.Codec;

/// <summary>
/// The decoder's audio does not depend on how many threads computed it or which thread claimed which chunk of a
/// layer: 1, 2 and 3 threads give the same PCM bits, streamed in uneven chunks. The split threshold is 0 here, so
/// even the tiny set's smallest layers are shared out (at its default the tiny set would run almost everything
/// on one thread and prove nothing).
/// </summary>
public sealed class DecoderThreadCountTests(TinyDecoderFixture fixture) : IClassFixture<TinyDecoderFixture>
{
    private static readonly int[] Chunks = [1, 4, 7, 1, 3, 8, 4, 2];

    [Fact]
    public void OneTwoAndThreeThreadsGiveTheSamePcmBits()
    {
        var codes = TinyDecoderFixture.RandomCodes(Chunks.Sum(), seed: 11);
        var oneThread = Stream(RowParallelism.Sequential, codes);
        // Unshared: every product fans out even while other tests compute (the process's load would keep helpers asleep).
        using var two = new RowParallelism(2, minWeightsToSplit: 0, ComputeLoad.Unshared);
        using var three = new RowParallelism(3, minWeightsToSplit: 0, ComputeLoad.Unshared);

        Assert.Equal(Chunks.Sum() * 1920, oneThread.Length);
        Assert.Contains(oneThread, sample => sample != 0f);
        foreach (var threads in new[] { two, three })
        {
            var pcm = Stream(threads, codes);
            var first = Enumerable.Range(0, pcm.Length).FirstOrDefault(i => BitConverter.SingleToInt32Bits(pcm[i]) != BitConverter.SingleToInt32Bits(oneThread[i]), -1);
            Assert.True(first == -1, $"{threads.WorkerCount} threads: sample {first} differs from the 1-thread decode");
        }
    }

    [Fact]
    public void SharedWorkDecodesAllocateNothingAfterWarmUp()
    {
        using var threads = new RowParallelism(2, minWeightsToSplit: 0);
        using var decoder = SpeechTokenizerDecoder.Load(fixture.WeightsPath, new DecoderOptions { MaxFramesPerPass = 4 }, threads);
        var codes = TinyDecoderFixture.RandomCodes(Chunks.Sum(), seed: 12);
        var audio = new float[8 * decoder.SamplesPerFrame];
        void Stream(DecoderSession session)
        {
            var frame = 0;
            foreach (var chunk in Chunks)
            {
                session.Decode(codes.AsSpan(frame * 16, chunk * 16), audio.AsSpan(0, chunk * decoder.SamplesPerFrame));
                frame += chunk;
            }
        }
        using (var warmUp = decoder.CreateSession())
        {
            Stream(warmUp);
        }
        using var session = decoder.CreateSession();

        var before = GC.GetAllocatedBytesForCurrentThread();
        Stream(session);

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private float[] Stream(RowParallelism threads, long[] codes)
    {
        using var decoder = SpeechTokenizerDecoder.Load(fixture.WeightsPath, new DecoderOptions { MaxFramesPerPass = 4 }, threads);
        using var session = decoder.CreateSession();
        var audio = new float[codes.Length / 16 * decoder.SamplesPerFrame];
        var frame = 0;
        foreach (var chunk in Chunks)
        {
            session.Decode(codes.AsSpan(frame * 16, chunk * 16), audio.AsSpan(frame * decoder.SamplesPerFrame, chunk * decoder.SamplesPerFrame));
            frame += chunk;
        }
        return audio;
    }
}
