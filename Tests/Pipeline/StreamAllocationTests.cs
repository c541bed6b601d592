using Qwen3Tts.Inference.Pipeline;
using Qwen3Tts.Inference.Sampling;

namespace Qwen3Tts.Tests.Pipeline;

/// <summary>
/// The in-process stream's hot loop (talker step, predictor frame, vocoder chunk, audio chunk to the caller) allocates
/// nothing per frame after warm-up: 32 more frames of a stream cost the same managed bytes (all threads of the process)
/// as none, and no gen-0 collection happens during a stream. Before the pooled completions, native llama batch and reused
/// frame and audio buffers a frame allocated ~27 KB, so the longer stream cost ~860 KB more. Counted, not timed; its
/// collection runs alone so other tests' allocations do not land in the all-thread count.
/// </summary>
[Collection(StreamAllocationCollection.Name)]
public sealed class StreamAllocationTests(StreamAllocationModels fixture)
{
    private const int WarmFrames = 16;

    // 32 frames more or less: a few KB of slack for what a thread-pool thread that wakes up the first time allocates for itself.
    private const long SlackBytes = 8 * 1024;

    private static SynthesisRequest Request(int frames) =>
        new SynthesisRequest("The quick brown fox jumps over the lazy dog near home.", "english", Seed: 42)
        {
            EosMode = EosMode.Never,
            Eos = new EosOptions { MaxFrames = frames },
        };

    [Fact]
    public async Task MoreFramesOfAStreamAllocateNoMoreThanFewer()
    {
        var synthesizer = new SpeechSynthesizer(fixture.Set.Models);
        // Warm-up at the longest length: tier-1 code, pooled state-machine boxes and audio arrays, llama.cpp's graphs.
        for (var i = 0; i < 3; i++)
        {
            await MeasureAsync(synthesizer, WarmFrames + 64);
        }

        // The minimum of two runs each: anything else the process does can only add bytes, never remove them.
        var shorter = Math.Min((await MeasureAsync(synthesizer, WarmFrames + 32)).Bytes, (await MeasureAsync(synthesizer, WarmFrames + 32)).Bytes);
        var longer = Math.Min((await MeasureAsync(synthesizer, WarmFrames + 64)).Bytes, (await MeasureAsync(synthesizer, WarmFrames + 64)).Bytes);

        Assert.True(longer - shorter <= SlackBytes,
            $"frames {WarmFrames}..{WarmFrames + 64} allocated {longer} bytes, {WarmFrames}..{WarmFrames + 32} {shorter}: " +
            $"{(longer - shorter) / 32.0:F0} bytes per extra frame (the hot loop's target is 0)");
        // What is left is the stream's end (flush, the KV sequence and decoder stream given back), whatever its length.
        Assert.True(shorter < 64 * 1024, $"the last 32 frames and the end of a stream allocated {shorter} bytes");
    }

    [Fact]
    public async Task NoCollectionHappensDuringAStream()
    {
        var synthesizer = new SpeechSynthesizer(fixture.Set.Models);
        await MeasureAsync(synthesizer, WarmFrames + 64);
        await MeasureAsync(synthesizer, WarmFrames + 64);

        // A fresh gen-0 budget (megabytes) before the stream: only the stream's own allocations could use it up.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var run = await MeasureAsync(synthesizer, WarmFrames + 64);

        Assert.Equal(WarmFrames + 64, run.Frames);
        Assert.Equal(0, run.Gen0Collections);
    }

    /// <summary>Bytes allocated (all threads) and gen-0 collections from the chunk that reaches frame 16 to the stream's end.</summary>
    private static async Task<(long Bytes, int Gen0Collections, int Frames)> MeasureAsync(SpeechSynthesizer synthesizer, int frames)
    {
        long? start = null;
        var collections = 0;
        var last = 0;
        long samples = 0;
        await foreach (var chunk in synthesizer.StreamAsync(Request(frames)))
        {
            samples += chunk.Samples.Length;
            last = chunk.FramesSoFar;
            if (start is null && chunk.FramesSoFar >= WarmFrames)
            {
                start = GC.GetTotalAllocatedBytes(precise: true);
                collections = GC.CollectionCount(0);
            }
        }
        var bytes = GC.GetTotalAllocatedBytes(precise: true) - (start ?? throw new InvalidOperationException($"the stream ended after {last} frames"));
        Assert.Equal(last * 1920L, samples);
        return (bytes, GC.CollectionCount(0) - collections, last);
    }
}

/// <summary>A tiny set of this collection's own: the shared one is used by tests that run in parallel with each other.</summary>
public sealed class StreamAllocationModels : IAsyncLifetime
{
    public TinyModelsFixture Set { get; } = new();

    public Task InitializeAsync() => Set.InitializeAsync();

    public Task DisposeAsync() => Set.DisposeAsync();
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class StreamAllocationCollection : ICollectionFixture<StreamAllocationModels>
{
    public const string Name = "stream allocation (alone)";
}
