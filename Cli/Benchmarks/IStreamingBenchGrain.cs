namespace Qwen3Tts.Cli.Benchmarks;

/// <summary>
/// Produces numbered audio-sized chunks for `bench streaming`, once through each delivery mechanism the
/// synthesis grain could use. Chunk i starts with i as a little-endian int32 so the consumer can check order.
/// </summary>
public interface IStreamingBenchGrain : IGrainWithStringKey
{
    IAsyncEnumerable<byte[]> ProduceAsync(int chunks, int chunkBytes, int intervalMs, CancellationToken cancellationToken = default);

    /// <summary>Publishes the chunks to the "bench" stream <paramref name="streamKey"/>, then an empty end marker.</summary>
    Task ProduceToStreamAsync(string streamKey, int chunks, int chunkBytes, int intervalMs);
}
