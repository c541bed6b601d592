using System.Diagnostics;
using Qwen3Tts.Inference.Threading;

namespace Qwen3Tts.Inference.Talker;

/// <summary>
/// Coalesces the decodes of concurrent requests: whatever steps queue up while one llama.cpp decode
/// runs go into the next decode together, as one batch of sequences. The weights are then read once
/// per step for all of them, and an idle talker adds no waiting at all. When other requests have decoded in
/// the last 2 s (<see cref="RecentCallers"/>), a decode waits up to the gather window for their steps, which
/// trail the first by microseconds (they follow one predictor batch).
/// A step costs no allocation: the queue holds structs in a reused ring, one worker thread runs the decodes
/// (llama.cpp blocks it anyway, so nothing is gained from a pool thread and a task per decode), and each
/// session brings its own <see cref="ReusableCompletion"/>, completed here once per step.
/// </summary>
internal sealed class TalkerDecodeQueue : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Queue<Pending> _pending = new();
    private readonly SemaphoreSlim _signal = new(0);
    private readonly Action<IReadOnlyList<TalkerDecodeItem>> _decode;
    private readonly int _maxItems;
    private readonly Thread _worker;
    private readonly RecentCallers _callers;
    private readonly long _gatherTicks;
    private bool _closed;

    /// <param name="decode">Runs one decode of the items on the worker thread; an exception fails every item of that decode.</param>
    /// <param name="gather">How long a decode waits for the steps of other active requests (zero = never).</param>
    public TalkerDecodeQueue(Action<IReadOnlyList<TalkerDecodeItem>> decode, int maxItems, TimeSpan gather = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(gather, TimeSpan.Zero);
        _decode = decode;
        _maxItems = maxItems;
        _gatherTicks = (long)(gather.TotalSeconds * Stopwatch.Frequency);
        // A request counts as active for 2 s after its last step (longer than a step takes on a loaded box).
        _callers = new RecentCallers(2 * maxItems, TimeSpan.FromSeconds(2));
        _worker = new Thread(Work) { IsBackground = true, Name = "qwen3-talker-decode" };
        _worker.Start();
    }

    /// <summary>Queues the item; <paramref name="done"/> (armed by the caller) completes when its rows are decoded.</summary>
    public void Enqueue(TalkerDecodeItem item, ReusableCompletion done, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_closed)
            {
                throw new ObjectDisposedException(nameof(TalkerModel), "the talker model is shutting down");
            }
            _pending.Enqueue(new Pending(item, done, cancellationToken));
        }
        if (_gatherTicks > 0)
        {
            // Only a queue that gathers needs to know who is active.
            _callers.Seen(item.Session);
        }
        _signal.Release();
    }

    private void Work()
    {
        var batch = new List<Pending>(_maxItems);
        var items = new List<TalkerDecodeItem>(_maxItems);
        while (true)
        {
            _signal.Wait();
            batch.Clear();
            items.Clear();
            lock (_lock)
            {
                if (_closed && _pending.Count == 0)
                {
                    return;
                }
                Take(batch, items);
            }
            if (batch.Count > 0 && batch.Count < _maxItems && _gatherTicks > 0)
            {
                GatherOthers(batch, items);
            }
            if (batch.Count == 0)
            {
                continue;
            }
            Exception? failure = null;
            try
            {
                _decode(items);
            }
            catch (Exception e)
            {
                failure = e;
            }
            foreach (var done in batch)
            {
                if (failure is null)
                {
                    done.Done.SetResult();
                }
                else
                {
                    done.Done.SetException(failure);
                }
            }
        }
    }

    /// <summary>Moves queued items into the batch, up to its size; caller holds the lock.</summary>
    private void Take(List<Pending> batch, List<TalkerDecodeItem> items)
    {
        while (batch.Count < _maxItems && _pending.TryDequeue(out var next))
        {
            // A request cancelled while waiting is dropped before it touches the KV cache.
            if (next.CancellationToken.IsCancellationRequested)
            {
                next.Done.SetException(new OperationCanceledException(next.CancellationToken));
                continue;
            }
            batch.Add(next);
            items.Add(next.Item);
        }
    }

    /// <summary>Waits up to the gather window for the steps of the other active requests.</summary>
    private void GatherOthers(List<Pending> batch, List<TalkerDecodeItem> items)
    {
        var wanted = Math.Min(_maxItems, _callers.Active());
        var deadline = Stopwatch.GetTimestamp() + _gatherTicks;
        while (batch.Count < wanted)
        {
            var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
            if (remaining <= TimeSpan.Zero || !_signal.Wait(remaining))
            {
                return;
            }
            lock (_lock)
            {
                if (_closed)
                {
                    // Dispose released the semaphore for the loop's exit check: give it back and decode what we hold.
                    _signal.Release();
                    return;
                }
                Take(batch, items);
            }
        }
    }

    /// <summary>Decodes what is queued, then stops the worker; later enqueues throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }
            _closed = true;
        }
        _signal.Release();
        _worker.Join();
        _signal.Dispose();
    }

    private readonly record struct Pending(TalkerDecodeItem Item, ReusableCompletion Done, CancellationToken CancellationToken);
}
