using Qwen3Tts.Inference.Kernels.Float;
using Qwen3Tts.Inference.Qwen3;

namespace Qwen3Tts.Tests.Kernels;

/// <summary>
/// The decoder's work-sharing threads: every unit of every call runs exactly once, whoever claims it, including
/// when a worker is slow (its units go to the caller), when two callers share the pool, and when a unit throws.
/// </summary>
public sealed class WorkSharingThreadsTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void EveryUnitOfEveryCallRunsExactlyOnce(int threads)
    {
        using var pool = new WorkSharingThreads(threads, minCostToSplit: 0);
        foreach (var units in new[] { 1, 2, 3, 17, 64, 1000, 5 })
        {
            for (var call = 0; call < 50; call++)
            {
                RunOnceEach(pool, units, slowUnit: call % 7 == 0 ? units - 1 : -1);
            }
        }
    }

    [Fact]
    public void TwoCallersAtOnceEachGetAllTheirUnits()
    {
        using var pool = new WorkSharingThreads(2, minCostToSplit: 0);
        Parallel.For(0, 2, i =>
        {
            for (var call = 0; call < 200; call++)
            {
                RunOnceEach(pool, 300);
            }
        });
    }

    [Fact]
    public void AFailingUnitFailsTheCallAndThePoolKeepsWorking()
    {
        using var pool = new WorkSharingThreads(2, minCostToSplit: 0);
        var failing = new CountingWork(400, slowUnit: -1, failingUnit: 399);
        var error = Record.Exception(() => pool.Run(failing, 400, cost: 400));
        Assert.NotNull(error);
        Assert.Contains("unit 399", error is AggregateException aggregate ? aggregate.InnerException!.Message : error.Message);

        RunOnceEach(pool, 400);
    }

    [Fact]
    public void CheapCallsRunOnTheCallerAlone()
    {
        using var pool = new WorkSharingThreads(2, minCostToSplit: 1000);
        var caller = Environment.CurrentManagedThreadId;
        var work = new CountingWork(64, slowUnit: -1);
        pool.Run(work, 64, cost: 999);
        Assert.Equal([caller], work.Threads.Distinct());
    }

    private static void RunOnceEach(WorkSharingThreads pool, int units, int slowUnit = -1)
    {
        var work = new CountingWork(units, slowUnit);
        pool.Run(work, units, cost: units);
        Assert.All(work.Runs, count => Assert.Equal(1, count));
    }

    private sealed class CountingWork(int units, int slowUnit, int failingUnit = -1) : IRowRangeWork
    {
        private readonly int[] _runs = new int[units];
        private readonly int[] _threads = new int[units];

        public IReadOnlyList<int> Runs => _runs;

        public IEnumerable<int> Threads => _threads;

        public void Execute(int startRow, int endRow)
        {
            for (var unit = startRow; unit < endRow; unit++)
            {
                if (unit == failingUnit)
                {
                    throw new InvalidOperationException($"unit {unit} failed");
                }
                if (unit == slowUnit)
                {
                    Thread.Sleep(2);
                }
                Interlocked.Increment(ref _runs[unit]);
                _threads[unit] = Environment.CurrentManagedThreadId;
            }
        }
    }
}
