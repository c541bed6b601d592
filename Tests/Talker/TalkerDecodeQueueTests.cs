using System.Runtime.CompilerServices;
using Qwen3Tts.Inference.Talker;
using Qwen3Tts.Inference.Threading;

namespace Qwen3Tts.Tests.Talker;

/// <summary>The decode queue's batching, with a recording decode in place of llama.cpp (the queue never looks inside a session).</summary>
public class TalkerDecodeQueueTests
{
    private static TalkerSession Session() => (TalkerSession)RuntimeHelpers.GetUninitializedObject(typeof(TalkerSession));

    private static ValueTask Step(TalkerDecodeQueue queue, TalkerSession session, ReusableCompletion done)
    {
        var task = done.Arm();
        queue.Enqueue(new TalkerDecodeItem(session, new float[4], 1), done, default);
        return task;
    }

    [Fact]
    public async Task StepsOfActiveRequestsThatArriveApartAreGatheredIntoOneDecode()
    {
        var decodes = new List<int>();
        // A window far longer than the test: if the decode did not wait for the second request it would start alone.
        using var queue = new TalkerDecodeQueue(items => { lock (decodes) { decodes.Add(items.Count); } }, maxItems: 4, TimeSpan.FromSeconds(30));
        var (a, b) = (Session(), Session());
        var (doneA, doneB) = (new ReusableCompletion(), new ReusableCompletion());
        await Task.WhenAll(Step(queue, a, doneA).AsTask(), Step(queue, b, doneB).AsTask());

        var first = Step(queue, a, doneA).AsTask();
        await Task.Delay(100);
        Assert.False(first.IsCompleted, "the decode started without the other active request's step");
        await Task.WhenAll(first, Step(queue, b, doneB).AsTask()).WaitAsync(TimeSpan.FromSeconds(60));
        lock (decodes)
        {
            Assert.Equal(2, decodes[^1]);
        }
    }

    [Fact]
    public async Task ALoneRequestNeverWaitsForTheGatherWindow()
    {
        var decodes = 0;
        using var queue = new TalkerDecodeQueue(_ => Interlocked.Increment(ref decodes), maxItems: 4, TimeSpan.FromHours(1));
        var session = Session();
        var done = new ReusableCompletion();
        for (var step = 0; step < 3; step++)
        {
            // An hour-long wait would trip the guard: a lone request's decode starts at once.
            await Step(queue, session, done).AsTask().WaitAsync(TimeSpan.FromSeconds(60));
        }
        Assert.Equal(3, decodes);
    }
}
