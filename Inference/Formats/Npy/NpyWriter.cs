using System.Buffers;
using System.Buffers.Binary;

namespace Qwen3Tts.Inference.Formats.Npy;

/// <summary>
/// Writes C-order .npy files (format 1.0, or 2.0 for very long headers). Files are written under a
/// temporary name and renamed into place when complete.
/// </summary>
public static class NpyWriter
{
    private const int ChunkElements = 1 << 16;

    public static void Write(string path, ReadOnlySpan<float> data, long[] shape, NpyDType storeAs = NpyDType.Float32)
    {
        using var target = AtomicFile.Create(path);
        Write(target.Stream, data, shape, storeAs);
        target.Commit();
    }

    public static void Write(string path, ReadOnlySpan<long> data, long[] shape)
    {
        using var target = AtomicFile.Create(path);
        Write(target.Stream, data, shape);
        target.Commit();
    }

    /// <summary>Writes f32 data stored as f32, f16 or f64.</summary>
    public static void Write(Stream stream, ReadOnlySpan<float> data, long[] shape, NpyDType storeAs = NpyDType.Float32)
    {
        RequireFloatStorage(storeAs);
        CheckCount(data.Length, shape);
        stream.Write(NpyHeaderWriter.Format(storeAs, shape));
        WriteFloats(stream, data, storeAs);
    }

    public static void Write(Stream stream, ReadOnlySpan<long> data, long[] shape)
    {
        CheckCount(data.Length, shape);
        stream.Write(NpyHeaderWriter.Format(NpyDType.Int64, shape));
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkElements * 8);
        try
        {
            for (var start = 0; start < data.Length; start += ChunkElements)
            {
                var chunk = data.Slice(start, Math.Min(ChunkElements, data.Length - start));
                for (var i = 0; i < chunk.Length; i++)
                {
                    BinaryPrimitives.WriteInt64LittleEndian(buffer.AsSpan(8 * i), chunk[i]);
                }

                stream.Write(buffer, 0, chunk.Length * 8);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Writes a large float array without holding it in memory: rows (the last dimension) are requested from
    /// <paramref name="fillRows"/>(firstRow, rowCount, rows) in chunks of about 1 MB.
    /// </summary>
    public static void WriteFloat32Rows(
        string path,
        long[] shape,
        Action<long, int, Span<float>> fillRows,
        NpyDType storeAs = NpyDType.Float32,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fillRows);
        RequireFloatStorage(storeAs);
        var rowLength = shape.Length == 0 ? 1 : shape[^1];
        var count = TensorShape.ElementCount(shape);
        var rowCount = rowLength == 0 ? 0 : count / rowLength;

        using var target = AtomicFile.Create(path);
        var stream = target.Stream;
        stream.Write(NpyHeaderWriter.Format(storeAs, shape));
        RowChunks.Stream(rowLength, rowCount, fillRows, cancellationToken, (rows, _) => WriteFloats(stream, rows, storeAs));
        target.Commit();
    }

    private static void WriteFloats(Stream stream, ReadOnlySpan<float> data, NpyDType storeAs)
    {
        var itemSize = NpyDTypes.ItemSize(storeAs);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkElements * itemSize);
        try
        {
            for (var start = 0; start < data.Length; start += ChunkElements)
            {
                var chunk = data.Slice(start, Math.Min(ChunkElements, data.Length - start));
                var bytes = buffer.AsSpan(0, chunk.Length * itemSize);
                switch (storeAs)
                {
                    case NpyDType.Float32:
                        HalfPrecision.F32ToBytes(chunk, bytes);
                        break;
                    case NpyDType.Float16:
                        HalfPrecision.F32ToF16(chunk, bytes);
                        break;
                    default:
                        for (var i = 0; i < chunk.Length; i++)
                        {
                            BinaryPrimitives.WriteDoubleLittleEndian(bytes[(8 * i)..], chunk[i]);
                        }

                        break;
                }

                stream.Write(bytes);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void RequireFloatStorage(NpyDType storeAs)
    {
        if (storeAs is not (NpyDType.Float32 or NpyDType.Float16 or NpyDType.Float64))
        {
            throw new ArgumentException($"float data can be stored as Float32, Float16 or Float64, not {storeAs}", nameof(storeAs));
        }
    }

    private static void CheckCount(int length, long[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var expected = TensorShape.ElementCount(shape);
        if (length != expected)
        {
            throw new ArgumentException($"shape {TensorShape.Format(shape)} needs {expected} values, got {length}", nameof(shape));
        }
    }
}
