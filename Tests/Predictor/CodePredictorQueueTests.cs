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
    public async Task FramesOfActiveRequestsThatArriveApartAreGatheredIntoOnePass()
    {
        var weights = RandomPredictor.Create(330, WeightFormat.Q8_0);
        var random = new Random(331);
        var hiddens = Enumerable.Range(0, 2).Select(_ => RandomQwen3.Values(random, Hidden, 1.5f)).ToArray();
        // A window far longer than the test: if the pass did not wait for the second request it would start alone.
        using var queue = new CodePredictorQueue(weights, maxBatch: 4, RowParallelism.Sequential, gather: TimeSpan.FromSeconds(30));
        var samplers = new[] { new SeededSampler(50, 0.9f), new SeededSampler(51, 0.9f) };
        var codes = Enumerable.Range(0, 2).Select(_ => new int[15]).ToArray();
        var feedback = Enumerable.Range(0, 2).Select(_ => new float[Hidden]).ToArray();
        // Frame 0 of both requests: now both are active.
        await Task.WhenAll(Enumerable.Range(0, 2).Select(i => queue.PredictAsync(hiddens[i], 10 + i, samplers[i], codes[i], feedback[i], default)));

        var passes = queue.PassesRun;
        var first = queue.PredictAsync(hiddens[0], 20, samplers[0], codes[0], feedback[0], default);
        await Task.Delay(100);
        Assert.False(first.IsCompleted, "the pass started without the other active request's frame");
        var second = queue.PredictAsync(hiddens[1], 21, samplers[1], codes[1], feedback[1], default);
        await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(passes + 1, queue.PassesRun);
        Assert.Equal(2, queue.LargestBatch);

        // Still each frame's own result: replay both requests alone with fresh samplers of the same seeds.
        var alone = new CodePredictorSession(weights, RowParallelism.Sequential);
        for (var i = 0; i < 2; i++)
        {
            var sampler = new SeededSampler(50 + i, 0.9f);
            var (c, f) = (new int[15], new float[Hidden]);
            alone.PredictFrame(hiddens[i], 10 + i, sampler, c, f);
            alone.PredictFrame(hiddens[i], 20 + i, sampler, c, f);
            Assert.Equal(c, codes[i]);
            Assert.Equal(f, feedback[i]);
        }
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
