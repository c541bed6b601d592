using System.Runtime.ExceptionServices;
using Qwen3Tts.Inference.Threading;

namespace Qwen3Tts.Inference.Qwen3;

/// <summary>
/// Splits the rows of one matrix product across a fixed set of worker threads.
/// A product of a 1024-wide activation with a few million weights takes well under a millisecond,
/// so the per-call cost matters more than anything else: the workers are dedicated threads with one
/// semaphore each (no task allocation, no closure), and small matrices do not fan out at all. When two
/// callers share one instance at the same moment the second simply runs its rows on its own thread.
///
/// The rows go out in small chunks that whichever thread is free claims next, not in one fixed slice per
/// thread: on a box whose cores are also running the decoder and llama.cpp, a worker is often preempted,
/// and with fixed halves every product (300 per predictor frame) waited for the preempted half. Now the
/// caller goes on claiming chunks and waits only for a chunk a worker has started; a worker that wakes
/// after the product is done finds nothing to claim. Every row is computed by one thread with the same
/// kernel, so the result does not depend on who ran which chunk.
///
/// A product wakes only as many helpers as there are cores that no other computing thread holds
/// (<see cref="ComputeLoad"/>): with the decoders of other streams busy, the talker's and predictor's products run on
/// their caller alone instead of waking a helper that would only take a core from them.
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

    /// <summary>Chunks per thread of a product: enough for the caller to take over a preempted worker's share, few enough that claiming stays cheap (one compare-exchange each).</summary>
    public const int ChunksPerThread = 8;

    private static readonly Lazy<RowParallelism> SharedInstance = new(() => new RowParallelism(Threading.ThreadBudget.Current.Predictor));

    private readonly Thread[] _threads;
    private readonly SemaphoreSlim[] _start;
    // A semaphore, not a ManualResetEventSlim: that one allocates its lock object on its first blocking
    // wait, which showed up as 24 bytes in a frame under load; SemaphoreSlim allocates it up front.
    private readonly SemaphoreSlim _done = new(0);
    private IRowRangeWork? _work;
    private int _rows;
    // One word per product: its number (bits 40-63), its chunk count (20-39) and the next unclaimed chunk
    // (0-19). A claim is one compare-exchange of the whole word, so a thread that read a finished product's
    // cursor cannot claim a chunk of the next one, and the product's fields are read only after a successful
    // claim (they are written before the word is published and cannot change before that chunk is done).
    private long _cursor;
    private const int CountShift = 20;
    private const int ProductShift = 40;
    private const long FieldMask = (1L << CountShift) - 1;
    private int _completed;
    private int _busy;
    private volatile bool _disposed;
    private Exception? _failure;

    /// <param name="load">Whose cores the helpers share (default <see cref="ComputeLoad.Process"/>): a product wakes only as many helpers as there are cores no other computing thread holds.</param>
    public RowParallelism(int workerCount, long minWeightsToSplit = DefaultMinWeightsToSplit, ComputeLoad? load = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workerCount, 1);
        WorkerCount = workerCount;
        MinWeightsToSplit = minWeightsToSplit;
        Load = load ?? ComputeLoad.Process;
        _threads = new Thread[workerCount - 1];
        _start = new SemaphoreSlim[workerCount - 1];
        for (var i = 0; i < _threads.Length; i++)
        {
            _start[i] = new SemaphoreSlim(0);
            var slice = i + 1;
            _threads[i] = new Thread(WorkerLoop) { IsBackground = true, Name = $"qwen3-rows-{slice}" };
            _threads[i].Start(_start[i]);
        }
    }

    /// <summary>Everything on the calling thread.</summary>
    public static RowParallelism Sequential { get; } = new(1);

    /// <summary>The thread budget's predictor share (<see cref="Threading.ThreadBudget"/>), created on first use and shared process-wide.</summary>
    public static RowParallelism Shared => SharedInstance.Value;

    public int WorkerCount { get; }

    public long MinWeightsToSplit { get; }

    public ComputeLoad Load { get; }

    internal void Run(IRowRangeWork work, int rows, long weightCount)
    {
        if (WorkerCount == 1 || weightCount < MinWeightsToSplit || rows < 2)
        {
            work.Execute(0, rows);
            return;
        }
        // Only onto idle cores: a helper woken while the other engines hold them waits for a preempted chunk (ComputeLoad).
        var helpers = Math.Min(Load.SpareHelpers(_threads.Length), rows - 1);
        if (helpers == 0 || Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            work.Execute(0, rows);
            return;
        }
        Load.HelpersStarted(helpers);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _work = work;
            _rows = rows;
            var chunks = Math.Min(rows, (helpers + 1) * ChunksPerThread);
            _failure = null;
            Volatile.Write(ref _completed, 0);
            // Publishes the product: a new number, its chunk count, chunk 0 next (a full fence, after the fields above).
            var product = ((_cursor >>> ProductShift) + 1) & ((1L << (64 - ProductShift)) - 1);
            Interlocked.Exchange(ref _cursor, (product << ProductShift) | ((long)chunks << CountShift));
            for (var i = 0; i < helpers; i++)
            {
                _start[i].Release();
            }
            if (!RunChunks())
            {
                // A worker holds the last chunk(s): it releases _done when the last one completes.
                _done.Wait();
            }
            _work = null;
            if (_failure is { } failure)
            {
                // The row's own exception, as when the product runs on its caller alone: whether a helper was
                // free must not change what a caller catches (its stack trace keeps the worker's frames).
                ExceptionDispatchInfo.Throw(failure);
            }
        }
        finally
        {
            Load.HelpersDone(helpers);
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

    /// <summary>
    /// Claims and runs chunks of the current product until none is left; true when this thread completed
    /// its last chunk (false: that was another thread's, or nothing was left to claim).
    /// </summary>
    private bool RunChunks()
    {
        var last = false;
        while (true)
        {
            var cursor = Volatile.Read(ref _cursor);
            var chunk = (int)(cursor & FieldMask);
            var chunks = (int)((cursor >> CountShift) & FieldMask);
            if (chunk >= chunks)
            {
                return last;
            }
            if (Interlocked.CompareExchange(ref _cursor, cursor + 1, cursor) != cursor)
            {
                continue;
            }
            // Claimed chunk `chunk` of this product: its fields stay put until the chunk is counted complete.
            var rows = _rows;
            try
            {
                _work!.Execute((int)((long)rows * chunk / chunks), (int)((long)rows * (chunk + 1) / chunks));
            }
            catch (Exception e)
            {
                // The first failure wins; later chunks of the product still run (and are counted) so it completes.
                Interlocked.CompareExchange(ref _failure, e, null);
            }
            last = Interlocked.Increment(ref _completed) == chunks;
        }
    }

    private void WorkerLoop(object? state)
    {
        var start = (SemaphoreSlim)state!;
        while (true)
        {
            start.Wait();
            if (_disposed)
            {
                return;
            }
            if (RunChunks())
            {
                _done.Release();
            }
        }
    }
}
