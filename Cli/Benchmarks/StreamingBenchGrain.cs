using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Orleans.Runtime;

namespace Qwen3Tts.Cli.Benchmarks;

/// <summary>The producer side of `bench streaming`; lives only in the benchmark's own in-process silo.</summary>
public sealed class StreamingBenchGrain : Grain, IStreamingBenchGrain
{
    public const string StreamProvider = "bench";
    public const string StreamNamespace = "bench";

    public async IAsyncEnumerable<byte[]> ProduceAsync(int chunks, int chunkBytes, int intervalMs, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var i = 0; i < chunks; i++)
        {
            if (intervalMs > 0)
            {
                await Task.Delay(intervalMs, cancellationToken);
            }
            yield return NumberedChunk(i, chunkBytes);
        }
    }

    public async Task ProduceToStreamAsync(string streamKey, int chunks, int chunkBytes, int intervalMs)
    {
        var stream = this.GetStreamProvider(StreamProvider).GetStream<byte[]>(StreamId.Create(StreamNamespace, streamKey));
        for (var i = 0; i < chunks; i++)
        {
            if (intervalMs > 0)
            {
                await Task.Delay(intervalMs);
            }
            await stream.OnNextAsync(NumberedChunk(i, chunkBytes));
        }
        // Persistent-stream producers (the memory provider is one) throw NotImplementedException from
        // OnCompletedAsync in 10.4.2, so the end of the stream travels in band as an empty chunk.
        await stream.OnNextAsync([]);
    }

    private static byte[] NumberedChunk(int index, int chunkBytes)
    {
        // A fresh array per chunk, as a vocoder window would be; the payload itself is zeros.
        var chunk = new byte[Math.Max(chunkBytes, sizeof(int))];
        BinaryPrimitives.WriteInt32LittleEndian(chunk, index);
        return chunk;
    }
}
