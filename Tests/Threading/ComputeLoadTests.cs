using Qwen3Tts.Inference.Qwen3;
using Qwen3Tts.Inference.Threading;

namespace Qwen3Tts.Tests.Threading;

public class ComputeLoadTests
{
    /// <summary>Runs <paramref name="body"/> on another thread while it holds a scope of <paramref name="load"/>.</summary>
    private static void WhileAnotherThreadComputes(ComputeLoad load, Action body)
    {
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var other = new Thread(() =>
        {
            using (load.Enter())
            {
                entered.Set();
                release.Wait();
            }
        });
        other.Start();
        entered.Wait();
        try
        {
            body();
        }
        finally
        {
            release.Set();
            other.Join();
        }
    }

    [Fact]
    public void ACoreHeldByAnotherComputingThreadIsNotSpare()
    {
        var load = new ComputeLoad(() => 2);
        Assert.Equal(1, load.SpareHelpers(3));
        WhileAnotherThreadComputes(load, () =>
        {
            Assert.Equal(1, load.Busy);
            Assert.Equal(0, load.SpareHelpers(1));
            // Inside its own scope the caller is not "another" thread: still none spare, the other one holds the second core.
            using (load.Enter())
            {
                Assert.Equal(2, load.Busy);
                Assert.Equal(0, load.SpareHelpers(1));
            }
        });
        Assert.Equal(0, load.Busy);
        using (load.Enter())
        {
            Assert.Equal(1, load.SpareHelpers(1));
        }
    }

    [Fact]
    public void NestedScopesOnOneThreadCountOnceAndHelpersCountUntilDone()
    {
        var load = new ComputeLoad(() => 4);
        using (load.Enter())
        {
            using (load.Enter())
            {
                Assert.Equal(1, load.Busy);
                Assert.Equal(3, load.SpareHelpers(8));
            }
            Assert.Equal(1, load.Busy);
            load.HelpersStarted(2);
            Assert.Equal(1, load.SpareHelpers(8));
            load.HelpersDone(2);
            Assert.Equal(3, load.SpareHelpers(8));
        }
        Assert.Equal(0, load.Busy);
    }

    [Fact]
    public void TheUnsharedLoadNeverLimits()
    {
        WhileAnotherThreadComputes(ComputeLoad.Unshared, () => Assert.Equal(5, ComputeLoad.Unshared.SpareHelpers(5)));
    }

    /// <summary>Records which threads ran the chunks of a product.</summary>
    private sealed class ThreadNames : IRowRangeWork
    {
        public int OnWorkers;

        public void Execute(int startRow, int endRow)
        {
            if (Thread.CurrentThread.Name?.StartsWith("qwen3-rows", StringComparison.Ordinal) == true)
            {
                Interlocked.Increment(ref OnWorkers);
            }
            // Long enough that a woken helper finds chunks left to claim.
            Thread.Sleep(1);
        }
    }

    [Fact]
    public void AProductRunsOnItsCallerAloneWhileEveryOtherCoreComputes()
    {
        var load = new ComputeLoad(() => 2);
        using var pool = new RowParallelism(2, minWeightsToSplit: 0, load);
        WhileAnotherThreadComputes(load, () =>
        {
            for (var i = 0; i < 20; i++)
            {
                var work = new ThreadNames();
                pool.Run(work, 16, weightCount: 1);
                Assert.Equal(0, work.OnWorkers);
            }
            Assert.Equal(1, load.Busy);
        });
        // The core is free again: the helper is woken and, over a few products, claims chunks.
        var helped = false;
        for (var i = 0; i < 20 && !helped; i++)
        {
            var work = new ThreadNames();
            pool.Run(work, 16, weightCount: 1);
            helped = work.OnWorkers > 0;
        }
        Assert.True(helped, "with no other thread computing, the helper never ran a chunk");
        Assert.Equal(0, load.Busy);
    }
}
