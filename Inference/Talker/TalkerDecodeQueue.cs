using System.Threading.Channels;

namespace Qwen3Tts.Inference.Talker;

/// <summary>
/// Coalesces the decodes of concurrent requests: whatever steps queue up while one llama.cpp decode
/// runs go into the next decode together, as one batch of sequences. The weights are then read once
/// per step for all of them, and an idle talker adds no waiting at all (there is no batching timer).
/// </summary>
internal sealed class TalkerDecodeQueue : IAsyncDisposable
{
    private readonly Channel<Pending> _pending = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Func<IReadOnlyList<TalkerDecodeItem>, Task> _decode;
    private readonly int _maxItems;
    private readonly Task _worker;

    public TalkerDecodeQueue(Func<IReadOnlyList<TalkerDecodeItem>, Task> decode, int maxItems)
    {
        _decode = decode;
        _maxItems = maxItems;
        _worker = Task.Run(RunAsync);
    }

    public Task EnqueueAsync(TalkerDecodeItem item, CancellationToken cancellationToken)
    {
        var pending = new Pending(item, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), cancellationToken);
        if (!_pending.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(TalkerModel), "the talker model is shutting down");
        }
        return pending.Done.Task;
    }

    private async Task RunAsync()
    {
        var batch = new List<Pending>(_maxItems);
        var items = new List<TalkerDecodeItem>(_maxItems);
        while (await _pending.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            items.Clear();
            while (batch.Count < _maxItems && _pending.Reader.TryRead(out var next))
            {
                // A request cancelled while waiting is dropped before it touches the KV cache.
                if (next.CancellationToken.IsCancellationRequested)
                {
                    next.Done.TrySetCanceled(next.CancellationToken);
                    continue;
                }
                batch.Add(next);
                items.Add(next.Item);
            }
            if (batch.Count == 0)
            {
                continue;
            }
            try
            {
                await _decode(items).ConfigureAwait(false);
                foreach (var done in batch)
                {
                    done.Done.TrySetResult();
                }
            }
            catch (Exception e)
            {
                foreach (var done in batch)
                {
                    done.Done.TrySetException(e);
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        await _worker.ConfigureAwait(false);
    }

    private sealed record Pending(TalkerDecodeItem Item, TaskCompletionSource Done, CancellationToken CancellationToken);
}
