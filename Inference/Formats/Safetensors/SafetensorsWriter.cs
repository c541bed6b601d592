using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;

namespace Qwen3Tts.Inference.Formats.Safetensors;

/// <summary>
/// Builds a safetensors file from f32 data stored as F32, F16, BF16 or F64. Data is pulled in bounded row
/// chunks at write time; the file appears under its final name only when complete.
/// </summary>
public sealed class SafetensorsWriter
{
    private readonly List<Pending> tensors = [];

    /// <summary>Written as the header's "__metadata__" string map.</summary>
    public Dictionary<string, string> Metadata { get; } = new(StringComparer.Ordinal);

    public void Add(string name, long[] shape, ReadOnlyMemory<float> data, SafetensorsDType storeAs = SafetensorsDType.F32)
    {
        var count = TensorShape.ElementCount(shape);
        if (data.Length != count)
        {
            throw new ArgumentException($"tensor '{name}': shape {TensorShape.Format(shape)} needs {count} values, got {data.Length}", nameof(data));
        }

        Add(name, shape, storeAs, RowChunks.FromMemory(data, RowLength(shape)));
    }

    /// <summary>Rows are the last (contiguous) dimension; fillRows(firstRow, rowCount, rows) is called at write time.</summary>
    public void Add(string name, long[] shape, SafetensorsDType storeAs, Action<long, int, Span<float>> fillRows)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(fillRows);
        if (name == SafetensorsHeaderParser.MetadataKey || tensors.Any(t => t.Name == name))
        {
            throw new ArgumentException($"tensor name '{name}' is reserved or already added", nameof(name));
        }

        if (!SafetensorsDTypes.IsFloat(storeAs))
        {
            throw new ArgumentException($"tensor '{name}': float data can be stored as F32, F16, BF16 or F64, not {storeAs}", nameof(storeAs));
        }

        if (shape.Any(d => d < 0))
        {
            throw new ArgumentException($"tensor '{name}': shape {TensorShape.Format(shape)} has a negative dimension", nameof(shape));
        }

        tensors.Add(new Pending(name, (long[])shape.Clone(), storeAs, fillRows));
    }

    /// <summary>Writes through an <see cref="AtomicFile"/> (hidden temporary name, then renamed); cancellation is checked per row chunk.</summary>
    public void WriteTo(string path, CancellationToken cancellationToken = default)
    {
        var header = BuildHeader();
        AtomicFile.Write(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
            stream.Write(length);
            stream.Write(header);
            foreach (var tensor in tensors)
            {
                WriteData(stream, tensor, cancellationToken);
            }
        });
    }

    private byte[] BuildHeader()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (Metadata.Count > 0)
            {
                json.WriteStartObject(SafetensorsHeaderParser.MetadataKey);
                foreach (var (key, value) in Metadata)
                {
                    json.WriteString(key, value);
                }

                json.WriteEndObject();
            }

            long offset = 0;
            foreach (var tensor in tensors)
            {
                var size = TensorShape.ElementCount(tensor.Shape) * SafetensorsDTypes.ItemSize(tensor.DType);
                json.WriteStartObject(tensor.Name);
                json.WriteString("dtype", tensor.DType.ToString());
                json.WriteStartArray("shape");
                foreach (var d in tensor.Shape)
                {
                    json.WriteNumberValue(d);
                }

                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + size);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += size;
            }

            json.WriteEndObject();
        }

        // Pad with spaces so the data section starts 8-byte aligned, as the reference writer does.
        var length = (int)buffer.Length;
        var padded = (length + 7) / 8 * 8;
        var header = new byte[padded];
        buffer.GetBuffer().AsSpan(0, length).CopyTo(header);
        header.AsSpan(length).Fill((byte)' ');
        return header;
    }

    private static void WriteData(Stream stream, Pending tensor, CancellationToken cancellationToken)
    {
        var itemSize = SafetensorsDTypes.ItemSize(tensor.DType);
        var rowLength = RowLength(tensor.Shape);
        var count = TensorShape.ElementCount(tensor.Shape);
        var rowCount = rowLength == 0 ? 0 : count / rowLength;
        byte[]? buffer = null;
        try
        {
            RowChunks.Stream(rowLength, rowCount, tensor.FillRows, cancellationToken, (rows, _) =>
            {
                var bytes = rows.Length * itemSize;
                if (buffer is null || buffer.Length < bytes)
                {
                    if (buffer is not null)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                    }

                    buffer = ArrayPool<byte>.Shared.Rent(bytes);
                }

                var span = buffer.AsSpan(0, bytes);
                switch (tensor.DType)
                {
                    case SafetensorsDType.F32:
                        HalfPrecision.F32ToBytes(rows, span);
                        break;
                    case SafetensorsDType.F16:
                        HalfPrecision.F32ToF16(rows, span);
                        break;
                    case SafetensorsDType.BF16:
                        HalfPrecision.F32ToBF16(rows, span);
                        break;
                    default:
                        for (var i = 0; i < rows.Length; i++)
                        {
                            BinaryPrimitives.WriteDoubleLittleEndian(span[(8 * i)..], rows[i]);
                        }

                        break;
                }

                stream.Write(span);
            });
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private static long RowLength(long[] shape) => shape.Length == 0 ? 1 : shape[^1];

    private sealed record Pending(string Name, long[] Shape, SafetensorsDType DType, Action<long, int, Span<float>> FillRows);
}
