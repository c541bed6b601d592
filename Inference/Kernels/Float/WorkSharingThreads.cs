using Qwen3Tts.Inference.Qwen3;

namespace Qwen3Tts.Inference.Kernels.Float;

/// <summary>
/// The calling thread plus <c>threads − 1</c> blocking workers that share the units of one kernel call through a
/// counter instead of taking fixed slices. With fixed halves (<see cref="RowParallelism"/>) a call lasts as long as
/// its slowest thread: a worker that wakes ~20–50 µs late, or is preempted by the talker, the predictor or another
/// process on a 2-core box, holds the caller idle at the join — `bench vocoder` measured 72 wall-ms per frame on
/// 1 thread and 79 on 2 under load. Here whoever is running claims the next grain (1/16 of a fair share, so a
/// preempted worker holds up the join by at most that), a late worker's units are done by the caller, and the
/// join waits only for grains already started. A worker that wakes after its job closed finds nothing and blocks
/// again. Workers never spin between calls (the talker and predictor need those cores); the caller spins (with
/// yields) only while a worker finishes a grain it holds.
/// </summary>
internal sealed class WorkSharingThreads : IKernelThreads, IDisposable
{
    /// <summary>Below this many multiply-adds (~20 µs on one core) a call runs on the caller alone: a wake-up costs about that.</summary>
    public const long DefaultMinCostToSplit = 1_000_000;

    private const int GrainsPerFairShare = 16;

    private readonly Thread[] _threads;
    private readonly SemaphoreSlim _wake = new(0);
    private readonly long _minCostToSplit;
    // The open job, null when none: a worker joins only while it is set (see Join for why that needs full fences).
    private IRowRangeWork? _work;
    private int _units;
    private int _grain;
    private int _next;
    private int _active;
    private int _busy;
    private volatile bool _disposed;
    private Exception? _failure;

    public WorkSharingThreads(int threads, long minCostToSplit = DefaultMinCostToSplit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        WorkerCount = threads;
        _minCostToSplit = minCostToSplit;
        _threads = new Thread[threads - 1];
        for (var i = 0; i < _threads.Length; i++)
        {
            _threads[i] = new Thread(WorkerLoop) { IsBackground = true, Name = $"qwen3-kernel-{i + 1}" };
            _threads[i].Start();
        }
    }

    public int WorkerCount { get; }

    public void Run(IRowRangeWork work, int units, long cost)
    {
        // A second caller at the same moment (two sessions decoding at once) runs its call alone rather than wait.
        if (WorkerCount == 1 || units < 2 || cost < _minCostToSplit || Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            work.Execute(0, units);
            return;
        }
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _units = units;
            _grain = Math.Max(1, units / (WorkerCount * GrainsPerFairShare));
            _failure = null;
            _next = 0;
            Interlocked.Exchange(ref _work, work);
            var asleep = _threads.Length - _wake.CurrentCount;
            if (asleep > 0)
            {
                _wake.Release(asleep);
            }
            try
            {
                Drain(work);
            }
            finally
            {
                // Close the job, then wait for the workers inside it: each holds at most one grain. Exchange is a full
                // fence, as is a worker's Increment before it reads _work, so either we see it active or it sees null.
                Interlocked.Exchange(ref _work, null);
                var spin = new SpinWait();
                while (Volatile.Read(ref _active) != 0)
                {
                    spin.SpinOnce(sleep1Threshold: -1);
                }
            }
            if (_failure is { } failure)
            {
                throw new AggregateException("A kernel worker failed.", failure);
            }
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        if (_threads.Length > 0)
        {
            _wake.Release(_threads.Length);
        }
    }

    /// <summary>Claims grains until none are left.</summary>
    private void Drain(IRowRangeWork work)
    {
        var units = _units;
        var grain = _grain;
        while (true)
        {
            var start = Interlocked.Add(ref _next, grain) - grain;
            if (start >= units)
            {
                return;
            }
            work.Execute(start, Math.Min(units, start + grain));
        }
    }

    private void WorkerLoop()
    {
        while (true)
        {
            _wake.Wait();
            if (_disposed)
            {
                return;
            }
            Interlocked.Increment(ref _active);
            try
            {
                if (Volatile.Read(ref _work) is { } work)
                {
                    Drain(work);
                }
            }
            catch (Exception e)
            {
                _failure = e;
            }
            finally
            {
                Interlocked.Decrement(ref _active);
            }
        }
    }
}
