using Qwen3Tts.Inference.Formats.Npy;

namespace Qwen3Tts.Inference.Talker;

/// <summary>
/// A large row-major embedding table read one row at a time (the 151936-row text table): it stays
/// memory-mapped in its file, in its file's dtype, and only the rows of tokens in use are ever touched.
/// </summary>
public interface IEmbeddingTable : IDisposable
{
    long Rows { get; }

    int Width { get; }

    /// <summary>Row <paramref name="row"/> converted to f32.</summary>
    void ReadRow(int row, Span<float> destination);
}

/// <summary>The seed layout's `text_embedding.npy`.</summary>
internal sealed class NpyEmbeddingTable(NpyFile file) : IEmbeddingTable
{
    public long Rows => file.Header.Shape[0];

    public int Width => checked((int)file.Header.Shape[1]);

    public void ReadRow(int row, Span<float> destination) => file.ReadRowFloat32(row, destination);

    public void Dispose() => file.Dispose();
}

/// <summary>A table held in memory (row-major [rows, width] f32).</summary>
internal sealed class ArrayEmbeddingTable(float[] values, long rows, int width) : IEmbeddingTable
{
    public long Rows => rows;

    public int Width => width;

    public void ReadRow(int row, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)row, (ulong)rows, nameof(row));
        values.AsSpan(row * width, width).CopyTo(destination);
    }

    public void Dispose()
    {
    }
}
