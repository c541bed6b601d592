using System.Runtime.CompilerServices;
using Qwen3Tts.Inference.Benchmarks.Pipeline;
using Qwen3Tts.Inference.Pipeline;

namespace Qwen3Tts.Tests.Pipeline;

/// <summary>
/// The benchmark's frame-loop window: it counts what is allocated and how many collections ran from the chunk at frame
/// <see cref="StreamRun.LoopStartFrame"/> to the last chunk before the final one, and nothing of the set-up before it.
/// In the collection that runs alone: the counts are process-wide. Even there a loop that allocates nothing of its own
/// sometimes counted ~300 KB (what other tests left running), so only what the source itself did is asserted.
/// </summary>
[Collection(StreamAllocationCollection.Name)]
public class StreamRunLoopTests
{
    private const int Frames = 20;
    private static readonly float[] Audio = new float[1920];

    /// <summary>One chunk per frame; at the frames listed it allocates <paramref name="bytes"/> or collects.</summary>
    private static async IAsyncEnumerable<AudioChunk> Source(int allocateAt, int bytes, int collectAt, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // Set-up garbage before the loop: not the loop's.
        GC.KeepAlive(new byte[64 * 1024]);
        for (var frame = 1; frame <= Frames; frame++)
        {
            await Task.Yield();
            if (frame == allocateAt)
            {
                GC.KeepAlive(new byte[bytes]);
            }
            if (frame == collectAt)
            {
                GC.Collect();
            }
            yield return new AudioChunk(Audio, frame, frame == Frames);
        }
    }

    [Fact]
    public async Task TheLoopWindowCountsItsOwnAllocationsAndCollectionsOnly()
    {
        var request = new SynthesisRequest("x");
        ProcessMemory.SettleHeap();
        var quiet = await StreamRun.MeasureAsync((_, ct) => Source(allocateAt: 0, bytes: 0, collectAt: 0, ct), request, CancellationToken.None);
        var busy = await StreamRun.MeasureAsync((_, ct) => Source(allocateAt: 12, bytes: 100_000, collectAt: 14, ct), request, CancellationToken.None);

        // From the chunk at frame 8 to the one at frame 19 (the 20th is the last).
        Assert.Equal(Frames - 1 - StreamRun.LoopStartFrame, quiet.Loop!.Frames);
        Assert.True(busy.Loop!.Bytes >= 100_000, $"the loop saw {busy.Loop.Bytes} bytes of a 100,000-byte allocation at frame 12");
        Assert.True(busy.Loop.Collections >= 1, "a collection at frame 14 was not counted");
        Assert.True(quiet.AllocatedBytes >= 64 * 1024, "the set-up's allocation before the loop is missing from the whole call");
    }
}
