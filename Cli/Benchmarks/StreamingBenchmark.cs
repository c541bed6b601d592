using System.Buffers.Binary;
using System.Diagnostics;
using Orleans.Runtime;
using Orleans.Streams;

namespace Qwen3Tts.Cli.Benchmarks;

/// <summary>The two ways a grain can hand audio chunks to an external client.</summary>
internal enum StreamingMode
{
    AsyncEnumerable,
    OrleansStream,
}

/// <summary>
/// Times chunk delivery from <see cref="StreamingBenchGrain"/> to the external client of a
/// <see cref="StreamingBenchCluster"/>, once per mode, recording when each chunk arrives.
/// </summary>
internal sealed class StreamingBenchmark(IClusterClient client)
{
    public async Task<StreamingRun> RunAsync(StreamingMode mode, int chunks, int chunkBytes, int intervalMs, CancellationToken cancellationToken)
    {
        // A fresh activation per run, as each synthesis request gets its own grain.
        var grain = client.GetGrain<IStreamingBenchGrain>(Guid.NewGuid().ToString("N"));
        return mode switch
        {
            StreamingMode.AsyncEnumerable => await ViaAsyncEnumerableAsync(grain, chunks, chunkBytes, intervalMs, cancellationToken),
            _ => await ViaOrleansStreamAsync(grain, chunks, chunkBytes, intervalMs, cancellationToken),
        };
    }

    private static async Task<StreamingRun> ViaAsyncEnumerableAsync(IStreamingBenchGrain grain, int chunks, int chunkBytes, int intervalMs, CancellationToken cancellationToken)
    {
        var arrivals = new ChunkArrivals(chunkBytes);
        await foreach (var chunk in grain.ProduceAsync(chunks, chunkBytes, intervalMs, cancellationToken))
        {
            arrivals.Record(chunk);
        }
        return arrivals.ToRun();
    }

    private async Task<StreamingRun> ViaOrleansStreamAsync(IStreamingBenchGrain grain, int chunks, int chunkBytes, int intervalMs, CancellationToken cancellationToken)
    {
        var key = Guid.NewGuid().ToString("N");
        var stream = client.GetStreamProvider(StreamingBenchGrain.StreamProvider).GetStream<byte[]>(StreamId.Create(StreamingBenchGrain.StreamNamespace, key));
        var arrivals = new ChunkArrivals(chunkBytes);
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // The subscription is part of what a caller of this mode pays, so it is inside the timed span.
        var subscription = await stream.SubscribeAsync(
            (chunk, _) =>
            {
                if (chunk.Length == 0)
                {
                    ended.TrySetResult();
                }
                else
                {
                    arrivals.Record(chunk);
                }
                return Task.CompletedTask;
            },
            error =>
            {
                ended.TrySetException(error);
                return Task.CompletedTask;
            });
        try
        {
            await grain.ProduceToStreamAsync(key, chunks, chunkBytes, intervalMs);
            // The producer call returns once the chunks are queued; delivery to us lags behind it.
            await ended.Task.WaitAsync(TimeSpan.FromSeconds(30 + chunks * (intervalMs / 1000.0)), cancellationToken);
        }
        catch (TimeoutException)
        {
            // Reported as missing chunks rather than thrown, so a lossy run still prints its table.
        }
        finally
        {
            await subscription.UnsubscribeAsync();
        }
        return arrivals.ToRun();
    }

    /// <summary>Arrival times of the chunks that come in order and whole; anything else is not counted as delivered.</summary>
    private sealed class ChunkArrivals(int chunkBytes)
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly List<double> _arrivalsMs = [];

        public void Record(byte[] chunk)
        {
            var now = _clock.Elapsed.TotalMilliseconds;
            if (chunk.Length == chunkBytes && BinaryPrimitives.ReadInt32LittleEndian(chunk) == _arrivalsMs.Count)
            {
                _arrivalsMs.Add(now);
            }
        }

        public StreamingRun ToRun() => new(_arrivalsMs, chunkBytes);
    }
}
