using System.Diagnostics;

namespace Qwen3Tts.Inference.Threading;

/// <summary>
/// The queue in front of one batching worker (the code predictor's, the talker's decode): callers enqueue, the worker
/// takes whatever waits, up to its batch, in one go. With a window above zero a pass that holds fewer items than there
/// are streams waits, at most the window, for the streams on their way back to it (<see cref="StreamReturns"/>); a lone
/// stream never waits. Items are structs in a reused queue: nothing is allocated per item.
/// </summary>
internal sealed class GatheringQueue<T> : IDisposable where T : struct, IGatheredWork
{
    private readonly Lock _lock = new();
    private readonly Queue<T> _pending = new();
    private readonly SemaphoreSlim _signal = new(0);
    private readonly StreamReturns _returns;
    private readonly long _windowTicks;
    private bool _closed;

    /// <param name="window">The longest a pass waits for streams on their way back (zero = never wait).</param>
    public GatheringQueue(int maxBatch, TimeSpan window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, TimeSpan.Zero);
        MaxBatch = maxBatch;
        Window = window;
        _windowTicks = (long)(window.TotalSeconds * Stopwatch.Frequency);
        // Twice the batch: room for the streams of a full pass and as many that ended without a word.
        _returns = new StreamReturns(2 * maxBatch);
    }

    public int MaxBatch { get; }

    public TimeSpan Window { get; }

    private bool Gathers => _windowTicks > 0;

    /// <summary>Queues the item; false once the queue is closed.</summary>
    public bool TryEnqueue(in T item)
    {
        lock (_lock)
        {
            if (_closed)
            {
                return false;
            }
            _pending.Enqueue(item);
            // Only a queue that gathers needs to know where its streams are.
            if (Gathers)
            {
                _returns.Submitted(item.Caller, Stopwatch.GetTimestamp());
            }
        }
        _signal.Release();
        return true;
    }

    /// <summary>
    /// The worker's wait for its next pass: fills <paramref name="batch"/> from index 0 and returns how many it holds
    /// (0 when what woke it was already taken or cancelled), or -1 once the queue is closed and drained.
    /// </summary>
    public int Take(T[] batch)
    {
        var size = Math.Min(batch.Length, MaxBatch);
        _signal.Wait();
        int count;
        lock (_lock)
        {
            if (_closed && _pending.Count == 0)
            {
                return -1;
            }
            count = TakeQueued(batch, 0, size);
        }
        return count > 0 && count < size && Gathers ? Gather(batch, count, size) : count;
    }

    /// <summary>
    /// Records that the items of a pass are done, before their completions are set (a stream's next submission, which the
    /// completion lets it make, must find it recorded as away).
    /// </summary>
    public void Completed(ReadOnlySpan<T> pass)
    {
        if (!Gathers)
        {
            return;
        }
        var now = Stopwatch.GetTimestamp();
        lock (_lock)
        {
            var id = _returns.NextPass();
            foreach (ref readonly var item in pass)
            {
                _returns.Completed(item.Caller, now, id);
            }
        }
    }

    /// <summary>The stream ended: no pass waits for it again, the one waiting now included.</summary>
    public void Forget(object caller)
    {
        if (!Gathers)
        {
            return;
        }
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }
            _returns.Forget(caller);
            // Wakes a gathering worker to ask again whom it waits for (an idle one wakes to an empty queue and sleeps
            // again). Under the lock, so a queue closed and disposed meanwhile is not released.
            _signal.Release();
        }
    }

    /// <summary>Refuses new items and wakes the worker, which runs what is queued and then gets -1; false if already closed.</summary>
    public bool Close()
    {
        lock (_lock)
        {
            if (_closed)
            {
                return false;
            }
            _closed = true;
        }
        _signal.Release();
        return true;
    }

    /// <summary>Call once the worker has stopped.</summary>
    public void Dispose() => _signal.Dispose();

    /// <summary>Moves queued items into the batch from index <paramref name="count"/>; caller holds the lock.</summary>
    private int TakeQueued(T[] batch, int count, int size)
    {
        while (count < size && _pending.TryDequeue(out var next))
        {
            // An item cancelled while waiting is dropped before it costs a pass; its stream is not waited for again.
            if (next.CancellationToken.IsCancellationRequested)
            {
                _returns.Forget(next.Caller);
                next.Done.SetException(new OperationCanceledException(next.CancellationToken));
                continue;
            }
            batch[count++] = next;
        }
        return count;
    }

    /// <summary>Waits, at most the window, for the streams <see cref="StreamReturns"/> expects back.</summary>
    private int Gather(T[] batch, int count, int size)
    {
        var deadline = Stopwatch.GetTimestamp() + _windowTicks;
        while (count < size)
        {
            var now = Stopwatch.GetTimestamp();
            long until;
            lock (_lock)
            {
                until = _returns.WaitUntil(now, deadline, _windowTicks);
            }
            if (until <= now)
            {
                break;
            }
            // SemaphoreSlim counts whole milliseconds: round up, or a wait under 1 ms would not wait at all.
            var milliseconds = (int)Math.Ceiling((until - now) * 1000.0 / Stopwatch.Frequency);
            if (!_signal.Wait(milliseconds))
            {
                break;
            }
            lock (_lock)
            {
                if (_closed)
                {
                    // Close released the semaphore for the worker's exit check: give it back and run what we hold.
                    _signal.Release();
                    break;
                }
                count = TakeQueued(batch, count, size);
            }
        }
        return count;
    }
}
