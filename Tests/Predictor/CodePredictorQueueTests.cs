using Qwen3Tts.Inference.Predictor;
using Qwen3Tts.Inference.Qwen3;
using Qwen3Tts.Tests.Qwen3;

namespace Qwen3Tts.Tests.Predictor;

public class CodePredictorQueueTests
{
    private const int Hidden = 64;

    [Theory]
    [InlineData(WeightFormat.Q8_0)]
    [InlineData(WeightFormat.Q4_0)]
    public async Task FramesWaitingTogetherRunAsOneBatchAndEachEqualsItsFrameAlone(WeightFormat format)
    {
        var weights = RandomPredictor.Create(300, format);
        var random = new Random(301);
        const int requests = 5;
        var hiddens = Enumerable.Range(0, requests).Select(_ => RandomQwen3.Values(random, Hidden, 1.5f)).ToArray();
        var code0s = new[] { 3, 2047, 0, 999, 1500 };

        var expectedCodes = new int[requests][];
        var expectedFeedback = new float[requests][];
        var alone = new CodePredictorSession(weights, RowParallelism.Sequential);
        for (var i = 0; i < requests; i++)
        {
            (expectedCodes[i], expectedFeedback[i]) = (new int[15], new float[Hidden]);
            alone.PredictFrame(hiddens[i], code0s[i], new SeededSampler(40 + i, 0.9f), expectedCodes[i], expectedFeedback[i]);
        }

        using var queue = new CodePredictorQueue(weights, maxBatch: 4, RowParallelism.Sequential);
        // The first frame's sampler holds the worker until the others are queued, so they must coalesce. They are queued
        // only once the worker is in that sampler: a worker thread slow to wake (a busy machine) would otherwise find
        // some of them already waiting and take them with the first frame.
        using var gate = new ManualResetEventSlim(false);
        var codes = Enumerable.Range(0, requests).Select(_ => new int[15]).ToArray();
        var feedback = Enumerable.Range(0, requests).Select(_ => new float[Hidden]).ToArray();
        var tasks = new Task[requests];
        using var first = new GatedSampler(gate, new SeededSampler(40, 0.9f));
        tasks[0] = queue.PredictAsync(hiddens[0], code0s[0], first, codes[0], feedback[0], default);
        Assert.True(first.Entered.Wait(TimeSpan.FromSeconds(60)), "the worker never ran the first frame");
        for (var i = 1; i < requests; i++)
        {
            tasks[i] = queue.PredictAsync(hiddens[i], code0s[i], new SeededSampler(40 + i, 0.9f), codes[i], feedback[i], default);
        }
        gate.Set();
        await Task.WhenAll(tasks);

        for (var i = 0; i < requests; i++)
        {
            Assert.Equal(expectedCodes[i], codes[i]);
            Assert.Equal(expectedFeedback[i], feedback[i]);
        }
        Assert.Equal(requests, queue.FramesRun);
        Assert.Equal(4, queue.LargestBatch); // frame 0 alone, then frames 1-4 in one pass (maxBatch 4)
        Assert.Equal(4, queue.FramesBatched);
    }

    [Fact]
    public async Task ACancelledWaitingFrameIsDroppedAndAFailingFrameFailsOnlyItsBatch()
    {
        var weights = RandomPredictor.Create(310, WeightFormat.Q8_0);
        using var queue = new CodePredictorQueue(weights, maxBatch: 4, RowParallelism.Sequential);
        using var gate = new ManualResetEventSlim(false);
        var hidden = new float[Hidden];
        using var gated = new GatedSampler(gate, new GreedySubCodeSampler());
        var first = queue.PredictAsync(hidden, 1, gated, new int[15], new float[Hidden], default);
        // The cancelled frame must wait behind the first one, not run with it.
        Assert.True(gated.Entered.Wait(TimeSpan.FromSeconds(60)), "the worker never ran the first frame");
        using var cancel = new CancellationTokenSource();
        var cancelled = queue.PredictAsync(hidden, 2, new GreedySubCodeSampler(), new int[15], new float[Hidden], cancel.Token);
        cancel.Cancel();
        gate.Set();
        await first;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);

        var broken = queue.PredictAsync(hidden, 3, new ConstantSampler(5000), new int[15], new float[Hidden], default);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => broken);
        Assert.Contains("returned code 5000", e.Message);
        await queue.PredictAsync(hidden, 4, new GreedySubCodeSampler(), new int[15], new float[Hidden], default);
        await Assert.ThrowsAsync<ArgumentException>(() => queue.PredictAsync(new float[3], 4, new GreedySubCodeSampler(), new int[15], new float[Hidden], default));
    }

    [Fact]
    public async Task DisposeRunsWhatIsQueuedThenRefusesNewFrames()
    {
        var weights = RandomPredictor.Create(320, WeightFormat.Q8_0);
        var queue = new CodePredictorQueue(weights, maxBatch: 2, RowParallelism.Sequential);
        var pending = Enumerable.Range(0, 3).Select(i => queue.PredictAsync(new float[Hidden], i, new GreedySubCodeSampler(), new int[15], new float[Hidden], default)).ToArray();
        queue.Dispose();
        await Task.WhenAll(pending);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => queue.PredictAsync(new float[Hidden], 0, new GreedySubCodeSampler(), new int[15], new float[Hidden], default));
    }

    [Fact]
    public async Task AFrameOfAnActiveRequestWaitsForTheOtherRequestsNextFrame()
    {
        var weights = RandomPredictor.Create(330, WeightFormat.Q8_0);
        var random = new Random(331);
        var (hiddenA, hiddenB) = (RandomQwen3.Values(random, Hidden, 1.5f), RandomQwen3.Values(random, Hidden, 1.5f));
        // A window far longer than the test, so nothing depends on timing: a pass that did not wait would start at once.
        using var queue = new CodePredictorQueue(weights, maxBatch: 2, RowParallelism.Sequential, gather: TimeSpan.FromSeconds(30));
        var (samplerA, samplerB) = (new SeededSampler(50, 0.9f), new SeededSampler(51, 0.9f));
        var (codesA1, feedbackA1, codesA2, feedbackA2, codesB, feedbackB) = (new int[15], new float[Hidden], new int[15], new float[Hidden], new int[15], new float[Hidden]);

        // Request A's first frame runs alone (nobody else has been seen) and holds the worker ...
        using var gate = new ManualResetEventSlim(false);
        using var gated = new GatedSampler(gate, samplerA);
        var a1 = queue.PredictAsync(hiddenA, 10, gated, codesA1, feedbackA1, default);
        Assert.True(gated.Entered.Wait(TimeSpan.FromSeconds(60)), "the worker never started request A's frame");
        // ... while request B's frame queues. When A's pass ends, B's frame is alone in the queue with A still active:
        // its pass waits for A's next frame.
        var b = queue.PredictAsync(hiddenB, 11, samplerB, codesB, feedbackB, default);
        gate.Set();
        await a1.WaitAsync(TimeSpan.FromSeconds(60));
        await Task.Delay(100);
        Assert.False(b.IsCompleted, "request B's pass started without waiting for the active request A");
        var a2 = queue.PredictAsync(hiddenA, 20, samplerA, codesA2, feedbackA2, default);
        await Task.WhenAll(a2, b).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(2, queue.PassesRun);
        Assert.Equal(2, queue.LargestBatch);

        // Each frame is still its own result: replay both requests alone with fresh samplers of the same seeds.
        var alone = new CodePredictorSession(weights, RowParallelism.Sequential);
        var replayA = new SeededSampler(50, 0.9f);
        var (c, f) = (new int[15], new float[Hidden]);
        alone.PredictFrame(hiddenA, 10, replayA, c, f);
        Assert.Equal(c, codesA1);
        Assert.Equal(f, feedbackA1);
        alone.PredictFrame(hiddenA, 20, replayA, c, f);
        Assert.Equal(c, codesA2);
        Assert.Equal(f, feedbackA2);
        alone.PredictFrame(hiddenB, 11, new SeededSampler(51, 0.9f), c, f);
        Assert.Equal(c, codesB);
        Assert.Equal(f, feedbackB);
    }

    [Fact]
    public async Task ALoneRequestNeverWaitsForTheGatherWindow()
    {
        var weights = RandomPredictor.Create(340, WeightFormat.Q8_0);
        using var queue = new CodePredictorQueue(weights, maxBatch: 4, RowParallelism.Sequential, gather: TimeSpan.FromHours(1));
        var sampler = new GreedySubCodeSampler();
        for (var frame = 0; frame < 3; frame++)
        {
            // An hour-long wait would trip the guard: a lone request's pass starts at once.
            await queue.PredictAsync(new float[Hidden], frame, sampler, new int[15], new float[Hidden], default).WaitAsync(TimeSpan.FromSeconds(60));
        }
        Assert.Equal(3, queue.PassesRun);
    }

    [Fact]
    public async Task ARequestThatLeftIsNotWaitedForAnyLonger()
    {
        var weights = RandomPredictor.Create(350, WeightFormat.Q8_0);
        // An hour-long window: only the leave can end B's wait within the guard.
        using var queue = new CodePredictorQueue(weights, maxBatch: 4, RowParallelism.Sequential, gather: TimeSpan.FromHours(1));
        var (samplerA, samplerB) = (new GreedySubCodeSampler(), new GreedySubCodeSampler());
        await queue.PredictAsync(new float[Hidden], 1, samplerA, new int[15], new float[Hidden], default).WaitAsync(TimeSpan.FromSeconds(60));
        // A left the predictor and is expected back: B's frame waits for it ...
        var b = queue.PredictAsync(new float[Hidden], 2, samplerB, new int[15], new float[Hidden], default);
        await Task.Delay(100);
        Assert.False(b.IsCompleted, "request B's pass started without waiting for request A, which was on its way back");
        // ... until A's request ends: then B's pass runs alone at once.
        queue.Leave(samplerA);
        await b.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(2, queue.PassesRun);
        Assert.Equal(1, queue.LargestBatch);
    }

    [Fact]
    public async Task ARequestThatStopsComingIsWaitedForAtMostTheWindow()
    {
        var weights = RandomPredictor.Create(360, WeightFormat.Q8_0);
        using var queue = new CodePredictorQueue(weights, maxBatch: 4, RowParallelism.Sequential, gather: TimeSpan.FromMilliseconds(50));
        var (samplerA, samplerB) = (new GreedySubCodeSampler(), new GreedySubCodeSampler());
        await queue.PredictAsync(new float[Hidden], 1, samplerA, new int[15], new float[Hidden], default).WaitAsync(TimeSpan.FromSeconds(60));
        // A never sends another frame (it ended without a word): B's frames run, alone, each after at most the window.
        for (var frame = 0; frame < 3; frame++)
        {
            await queue.PredictAsync(new float[Hidden], 2 + frame, samplerB, new int[15], new float[Hidden], default).WaitAsync(TimeSpan.FromSeconds(60));
        }
        Assert.Equal(4, queue.PassesRun);
        Assert.Equal(1, queue.LargestBatch);
    }

    /// <summary>Blocks the worker in its sample calls until the test opens the gate; <see cref="Entered"/> is set by the first.</summary>
    private sealed class GatedSampler(ManualResetEventSlim gate, ISubCodeSampler inner) : ISubCodeSampler, IDisposable
    {
        public ManualResetEventSlim Entered { get; } = new(false);

        public int Sample(Span<float> logits)
        {
            Entered.Set();
            Assert.True(gate.Wait(TimeSpan.FromSeconds(60)), "the test never opened the gate");
            return inner.Sample(logits);
        }

        public void Dispose() => Entered.Dispose();
    }
}
