using Qwen3Tts.Inference.Qwen3;

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
        using var pool = new RowParallelism(3, minWeightsToSplit: 0);
        for (var round = 0; round < 200; round++)
        {
            var hits = new int[7 + round % 5];
            pool.Run(new MarkRows(hits), hits.Length, weightCount: 1);
            Assert.All(hits, h => Assert.Equal(1, h));
        }
    }

    [Fact]
    public void WorkerFailureSurfacesAndThePoolKeepsWorking()
    {
        using var pool = new RowParallelism(2, minWeightsToSplit: 0);
        var hits = new int[10];
        // Row 9 lies in the second worker's slice.
        var e = Assert.Throws<AggregateException>(() => pool.Run(new MarkRows(hits, throwAtRow: 9), 10, 1));
        Assert.Contains("row 9 failed", e.InnerException!.Message);
        // The caller's own slice failing must also leave the pool usable.
        Assert.Throws<InvalidOperationException>(() => pool.Run(new MarkRows(new int[10], throwAtRow: 0), 10, 1));
        var again = new int[10];
        pool.Run(new MarkRows(again), 10, 1);
        Assert.All(again, h => Assert.Equal(1, h));
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
