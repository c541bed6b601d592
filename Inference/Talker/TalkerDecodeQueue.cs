using Qwen3Tts.Inference.Threading;

namespace Qwen3Tts.Inference.Talker;

/// <summary>
/// Coalesces the decodes of concurrent requests: whatever steps queue up while one llama.cpp decode
/// runs go into the next decode together, as one batch of sequences. The weights are then read once
/// per step for all of them, and an idle talker adds no waiting at all. With a gather window
/// (<see cref="TalkerOptions.GatherMicroseconds"/>) a decode also waits, at most that long, for the requests on their
/// way to it, such as those that left the predictor in the same batch as the step that came first: they trail it by
/// microseconds, and without the wait the first would decode alone and split the batch (<see cref="GatheringQueue{T}"/>).
/// A step costs no allocation: the queue holds structs in a reused ring, one worker thread runs the decodes
/// (llama.cpp blocks it anyway, so nothing is gained from a pool thread and a task per decode), and each
/// session brings its own <see cref="ReusableCompletion"/>, completed here once per step.
/// </summary>
internal sealed class TalkerDecodeQueue : IDisposable
{
    private readonly GatheringQueue<Pending> _queue;
    private readonly Action<IReadOnlyList<TalkerDecodeItem>> _decode;
    private readonly Pending[] _batch;
    private readonly List<TalkerDecodeItem> _items;
    private readonly Thread _worker;

    /// <param name="decode">Runs one decode of the items on the worker thread; an exception fails every item of that decode.</param>
    /// <param name="gather">The longest a decode waits for the steps of requests on their way to it (zero = never).</param>
    public TalkerDecodeQueue(Action<IReadOnlyList<TalkerDecodeItem>> decode, int maxItems, TimeSpan gather = default)
    {
        _decode = decode;
        _queue = new GatheringQueue<Pending>(maxItems, gather);
        _batch = new Pending[maxItems];
        _items = new List<TalkerDecodeItem>(maxItems);
        _worker = new Thread(Work) { IsBackground = true, Name = "qwen3-talker-decode" };
        _worker.Start();
    }

    /// <summary>Queues the item; <paramref name="done"/> (armed by the caller) completes when its rows are decoded.</summary>
    public void Enqueue(TalkerDecodeItem item, ReusableCompletion done, CancellationToken cancellationToken)
    {
        if (!_queue.TryEnqueue(new Pending(item, done, cancellationToken)))
        {
            throw new ObjectDisposedException(nameof(TalkerModel), "the talker model is shutting down");
        }
    }

    /// <summary>The session has ended: no decode waits for it again.</summary>
    public void Forget(TalkerSession session) => _queue.Forget(session);

    private void Work()
    {
        int count;
        while ((count = _queue.Take(_batch)) >= 0)
        {
            if (count == 0)
            {
                continue;
            }
            _items.Clear();
            for (var i = 0; i < count; i++)
            {
                _items.Add(_batch[i].Item);
            }
            Exception? failure = null;
            try
            {
                _decode(_items);
            }
            catch (Exception e)
            {
                failure = e;
            }
            _queue.Completed(_batch.AsSpan(0, count));
            for (var i = 0; i < count; i++)
            {
                if (failure is null)
                {
                    _batch[i].Done.SetResult();
                }
                else
                {
                    _batch[i].Done.SetException(failure);
                }
            }
            Array.Clear(_batch, 0, count);
        }
    }

    /// <summary>Decodes what is queued, then stops the worker; later enqueues throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (!_queue.Close())
        {
            return;
        }
        _worker.Join();
        _queue.Dispose();
    }

    private readonly record struct Pending(TalkerDecodeItem Item, ReusableCompletion Done, CancellationToken CancellationToken) : IGatheredWork
    {
        public object Caller => Item.Session;
    }
}
