namespace Qwen3Tts.Inference.Qwen3;

/// <summary>
/// Splits the rows of one matrix product across a fixed set of worker threads.
/// A product of a 1024-wide activation with a few million weights takes well under a millisecond,
/// so the per-call cost matters more than anything else: the workers are dedicated threads with one
/// semaphore each (no task allocation, no closure), each takes a fixed slice of rows, and small
/// matrices do not fan out at all. When two callers share one instance at the same moment the second
/// simply runs its rows on its own thread instead of waiting.
/// </summary>
public sealed class RowParallelism : IDisposable
{
    /// <summary>
    /// Below this many weights a product runs on the calling thread. Measured on the 2-core dev VM
    /// (AVX-VNNI Q8_0 kernel): one fan-out round trip costs ~15–30 µs, while a 0.5 M-weight product
    /// takes ~30 µs on one thread, so splitting it loses; from ~1 M weights (the predictor's K/V,
    /// 1024 x 1024) up, the split can pay. See Inference/Predictor/README.md.
    /// </summary>
    public const long DefaultMinWeightsToSplit = 1024 * 1024;

    private static readonly Lazy<RowParallelism> SharedInstance = new(() => new RowParallelism(Threading.ThreadBudget.Current.Predictor));

    private readonly Thread[] _threads;
    private readonly SemaphoreSlim[] _start;
    // A semaphore, not a ManualResetEventSlim: that one allocates its lock object on its first blocking
    // wait, which showed up as 24 bytes in a frame under load; SemaphoreSlim allocates it up front.
    private readonly SemaphoreSlim _done = new(0);
    private IRowRangeWork? _work;
    private int _rows;
    private int _pending;
    private int _busy;
    private volatile bool _disposed;
    private Exception? _failure;

    public RowParallelism(int workerCount, long minWeightsToSplit = DefaultMinWeightsToSplit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workerCount, 1);
        WorkerCount = workerCount;
        MinWeightsToSplit = minWeightsToSplit;
        _threads = new Thread[workerCount - 1];
        _start = new SemaphoreSlim[workerCount - 1];
        for (var i = 0; i < _threads.Length; i++)
        {
            _start[i] = new SemaphoreSlim(0);
            var slice = i + 1;
            _threads[i] = new Thread(() => WorkerLoop(slice)) { IsBackground = true, Name = $"qwen3-rows-{slice}" };
            _threads[i].Start();
        }
    }

    /// <summary>Everything on the calling thread.</summary>
    public static RowParallelism Sequential { get; } = new(1);

    /// <summary>The thread budget's predictor share (<see cref="Threading.ThreadBudget"/>), created on first use and shared process-wide.</summary>
    public static RowParallelism Shared => SharedInstance.Value;

    public int WorkerCount { get; }

    public long MinWeightsToSplit { get; }

    internal void Run(IRowRangeWork work, int rows, long weightCount)
    {
        if (WorkerCount == 1 || weightCount < MinWeightsToSplit || rows < WorkerCount
            || Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            work.Execute(0, rows);
            return;
        }
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _work = work;
            _rows = rows;
            _failure = null;
            Volatile.Write(ref _pending, _threads.Length);
            foreach (var s in _start)
            {
                s.Release();
            }
            var (start, end) = Slice(0);
            try
            {
                work.Execute(start, end);
            }
            finally
            {
                // Even if our slice threw, the workers still hold this job: wait for them before the
                // next caller may reuse the fields.
                _done.Wait();
                _work = null;
            }
            if (_failure is { } failure)
            {
                throw new AggregateException("A row worker failed.", failure);
            }
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    public void Dispose()
    {
        // The process-wide instances live as long as the process; disposing them would strand every user.
        if (_disposed || ReferenceEquals(this, Sequential) || (SharedInstance.IsValueCreated && ReferenceEquals(this, SharedInstance.Value)))
        {
            return;
        }
        _disposed = true;
        foreach (var s in _start)
        {
            s.Release();
        }
    }

    private (int Start, int End) Slice(int index)
    {
        var start = (int)((long)_rows * index / WorkerCount);
        var end = (int)((long)_rows * (index + 1) / WorkerCount);
        return (start, end);
    }

    private void WorkerLoop(int slice)
    {
        var start = _start[slice - 1];
        while (true)
        {
            start.Wait();
            if (_disposed)
            {
                return;
            }
            try
            {
                var (first, end) = Slice(slice);
                _work!.Execute(first, end);
            }
            catch (Exception e)
            {
                _failure = e;
            }
            if (Interlocked.Decrement(ref _pending) == 0)
            {
                _done.Release();
            }
        }
    }
}
