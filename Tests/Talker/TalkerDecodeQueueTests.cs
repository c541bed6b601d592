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
    public async Task AStepOfAnActiveRequestWaitsForTheOtherRequestsNextStep()
    {
        var decodes = new List<int>();
        using var entered = new ManualResetEventSlim(false);
        using var gate = new ManualResetEventSlim(false);
        void Decode(IReadOnlyList<TalkerDecodeItem> items)
        {
            lock (decodes)
            {
                decodes.Add(items.Count);
            }
            entered.Set();
            Assert.True(gate.Wait(TimeSpan.FromSeconds(60)), "the test never opened the gate");
        }
        // A window far longer than the test, so nothing depends on timing: a decode that did not wait would start at once.
        using var queue = new TalkerDecodeQueue(Decode, maxItems: 2, TimeSpan.FromSeconds(30));
        var (a, b) = (Session(), Session());
        var (doneA, doneB) = (new ReusableCompletion(), new ReusableCompletion());

        // Request A's first step decodes alone (nobody else has been seen) and holds the worker, while B's step queues.
        var a1 = Step(queue, a, doneA).AsTask();
        Assert.True(entered.Wait(TimeSpan.FromSeconds(60)), "the worker never started request A's step");
        var b1 = Step(queue, b, doneB).AsTask();
        gate.Set();
        await a1.WaitAsync(TimeSpan.FromSeconds(60));
        // B's step is alone in the queue with A still active: its decode waits for A's next step.
        await Task.Delay(100);
        Assert.False(b1.IsCompleted, "request B's decode started without waiting for the active request A");
        await Task.WhenAll(b1, Step(queue, a, doneA).AsTask()).WaitAsync(TimeSpan.FromSeconds(60));
        lock (decodes)
        {
            Assert.Equal([1, 2], decodes);
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

    [Fact]
    public async Task AReleasedSessionIsNotWaitedForAnyLonger()
    {
        var decodes = new List<int>();
        void Decode(IReadOnlyList<TalkerDecodeItem> items)
        {
            lock (decodes)
            {
                decodes.Add(items.Count);
            }
        }
        // An hour-long window: only the release can end B's wait within the guard.
        using var queue = new TalkerDecodeQueue(Decode, maxItems: 4, TimeSpan.FromHours(1));
        var (a, b) = (Session(), Session());
        await Step(queue, a, new ReusableCompletion()).AsTask().WaitAsync(TimeSpan.FromSeconds(60));
        // A left the talker and is expected back: B's step waits for it ...
        var b1 = Step(queue, b, new ReusableCompletion()).AsTask();
        await Task.Delay(100);
        Assert.False(b1.IsCompleted, "request B's decode started without waiting for request A, which was on its way back");
        // ... until A's session is released: then B's step decodes alone at once.
        queue.Forget(a);
        await b1.WaitAsync(TimeSpan.FromSeconds(60));
        lock (decodes)
        {
            Assert.Equal([1, 1], decodes);
        }
    }
}
