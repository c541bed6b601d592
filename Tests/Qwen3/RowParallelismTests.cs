using Qwen3Tts.Inference.Qwen3;
using Qwen3Tts.Inference.Threading;

namespace Qwen3Tts.Tests.Qwen3;

public class RowParallelismTests
{
    private sealed class MarkRows(int[] hits, int throwAtRow = -1) : IRowRangeWork
    {
        public void Execute(int startRow, int endRow)
        {
            for (var r = startRow; r < endRow; r++)
            {
                if (r == throwAtRow)
                {
                    throw new InvalidOperationException($"row {r} failed");
                }
                Interlocked.Increment(ref hits[r]);
            }
        }
    }

    [Fact]
    public void EveryRowRunsExactlyOnceAcrossWorkers()
    {
        using var pool = new RowParallelism(3, minWeightsToSplit: 0, ComputeLoad.Unshared);
        for (var round = 0; round < 200; round++)
        {
            var hits = new int[7 + round % 5];
            pool.Run(new MarkRows(hits), hits.Length, weightCount: 1);
            Assert.All(hits, h => Assert.Equal(1, h));
        }
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(long.MaxValue)]
    public void AFailingRowSurfacesAsItselfWhicheverThreadRanItAndThePoolKeepsWorking(long minWeightsToSplit)
    {
        // Unshared, split at 0 weights: the fan-out path; split at long.MaxValue: the product on its caller alone.
        // Both throw the row's own exception, so what a caller catches does not depend on whether a helper was free.
        using var pool = new RowParallelism(2, minWeightsToSplit, ComputeLoad.Unshared);
        foreach (var failing in new[] { 0, 9 })
        {
            var e = Assert.Throws<InvalidOperationException>(() => pool.Run(new MarkRows(new int[10], throwAtRow: failing), 10, 1));
            Assert.Equal($"row {failing} failed", e.Message);
        }
        var again = new int[10];
        pool.Run(new MarkRows(again), 10, 1);
        Assert.All(again, h => Assert.Equal(1, h));
    }

    /// <summary>The first chunk a worker thread claims stalls until every other chunk is done.</summary>
    private sealed class StallingWorker(int chunks) : IRowRangeWork
    {
        private int _done;
        private int _stalled;

        public bool CallerRanTheRest { get; private set; }

        public void Execute(int startRow, int endRow)
        {
            if (Thread.CurrentThread.Name?.StartsWith("qwen3-rows", StringComparison.Ordinal) == true && Interlocked.Exchange(ref _stalled, 1) == 0)
            {
                // A preempted worker: with one fixed slice per thread the caller would stop at its own half and wait here forever.
                var deadline = DateTime.UtcNow.AddSeconds(30);
                while (Volatile.Read(ref _done) < chunks - 1 && DateTime.UtcNow < deadline)
                {
                    Thread.Sleep(1);
                }
                CallerRanTheRest = Volatile.Read(ref _done) == chunks - 1;
            }
            else
            {
                // Slow enough chunks that the worker wakes while some are still unclaimed.
                Thread.Sleep(1);
            }
            Interlocked.Increment(ref _done);
        }
    }

    [Fact]
    public void TheCallerTakesOverTheChunksOfAStalledWorker()
    {
        // Unshared: the process's load would keep the helper asleep while other tests compute.
        using var pool = new RowParallelism(2, minWeightsToSplit: 0, ComputeLoad.Unshared);
        const int rows = 64;
        var chunks = Math.Min(rows, 2 * RowParallelism.ChunksPerThread);
        // Until the worker thread wakes in time to claim a chunk, the caller may run them all; try a few products.
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var work = new StallingWorker(chunks);
            pool.Run(work, rows, 1);
            if (work.CallerRanTheRest)
            {
                return;
            }
        }
        Assert.Fail("the worker never claimed a chunk, or the caller waited for a stalled worker's chunks");
    }

    [Fact]
    public void ConcurrentCallersOnOnePoolGetCorrectProducts()
    {
        using var pool = new RowParallelism(2, minWeightsToSplit: 0);
        var random = new Random(8);
        var m = RandomQwen3.Matrix(random, 96, 128, Inference.Qwen3.WeightFormat.Q8_0);
        var inputs = Enumerable.Range(0, 4).Select(_ => RandomQwen3.Values(random, 128, 1f)).ToArray();
        var expected = inputs.Select(x => { var y = new float[96]; m.MatVec(x, y, RowParallelism.Sequential); return y; }).ToArray();
        Parallel.For(0, 4, i =>
        {
            var y = new float[96];
            for (var repeat = 0; repeat < 100; repeat++)
            {
                m.MatVec(inputs[i], y, pool);
                Assert.Equal(expected[i], y);
            }
        });
    }
}
