using System.Buffers;

namespace Qwen3Tts.Inference.Formats;

/// <summary>
/// Drives a writer's "fill rows" callback in bounded chunks so that writing a tensor of any size
/// needs only about <see cref="TargetChunkFloats"/> floats of memory.
/// </summary>
internal static class RowChunks
{
    public const int TargetChunkFloats = 1 << 18; // 1 MB of f32

    /// <summary>
    /// Asks <paramref name="fillRows"/> for <paramref name="rowCount"/> rows of <paramref name="rowLength"/>
    /// floats, a chunk at a time, and hands each filled chunk to <paramref name="consume"/>.
    /// </summary>
    public static void Stream(
        long rowLength,
        long rowCount,
        Action<long, int, Span<float>> fillRows,
        CancellationToken cancellationToken,
        ReadOnlySpanAction<float, int> consume)
    {
        if (rowCount == 0 || rowLength == 0)
        {
            return;
        }

        if (rowLength > Array.MaxLength)
        {
            throw new ArgumentException($"row length {rowLength} is too large to stream");
        }

        var rowsPerChunk = (int)Math.Clamp(TargetChunkFloats / rowLength, 1, Math.Min(rowCount, int.MaxValue));
        var buffer = ArrayPool<float>.Shared.Rent(checked((int)(rowsPerChunk * rowLength)));
        try
        {
            for (long first = 0; first < rowCount; first += rowsPerChunk)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var rows = (int)Math.Min(rowsPerChunk, rowCount - first);
                var chunk = buffer.AsSpan(0, (int)(rows * rowLength));
                chunk.Clear(); // a filler that skips elements then writes zeros, not the previous chunk's data
                fillRows(first, rows, chunk);
                consume(chunk, rows);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
    }

    /// <summary>A fill callback that copies rows out of an in-memory buffer.</summary>
    public static Action<long, int, Span<float>> FromMemory(ReadOnlyMemory<float> data, long rowLength) =>
        (first, rows, destination) => data.Span.Slice(checked((int)(first * rowLength)), destination.Length).CopyTo(destination);
}
