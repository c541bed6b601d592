using System.Buffers;
using System.Text;

namespace Qwen3Tts.Inference.Formats.Gguf;

/// <summary>
/// Builds a GGUF v3 file. Tensor data is pulled from callbacks in bounded row chunks and quantized on the
/// fly, so writing needs constant memory however large the tensors are. The file appears under its final
/// name only once complete.
/// </summary>
public sealed class GgufWriter
{
    /// <summary>ggml's GGML_MAX_NAME is 64 bytes including the terminating zero.</summary>
    public const int MaxNameBytes = 63;

    private readonly List<GgufMetadataEntry> metadata = [];
    private readonly List<PendingTensor> tensors = [];

    public GgufWriter(string architecture)
    {
        AddString("general.architecture", architecture);
    }

    public int TensorCount => tensors.Count;

    public void AddUInt8(string key, byte value) => Set(key, GgufValueType.UInt8, value);

    public void AddInt8(string key, sbyte value) => Set(key, GgufValueType.Int8, value);

    public void AddUInt16(string key, ushort value) => Set(key, GgufValueType.UInt16, value);

    public void AddInt16(string key, short value) => Set(key, GgufValueType.Int16, value);

    public void AddUInt32(string key, uint value) => Set(key, GgufValueType.UInt32, value);

    public void AddInt32(string key, int value) => Set(key, GgufValueType.Int32, value);

    public void AddFloat32(string key, float value) => Set(key, GgufValueType.Float32, value);

    public void AddBool(string key, bool value) => Set(key, GgufValueType.Bool, value);

    public void AddString(string key, string value) => Set(key, GgufValueType.String, value);

    public void AddUInt64(string key, ulong value) => Set(key, GgufValueType.UInt64, value);

    public void AddInt64(string key, long value) => Set(key, GgufValueType.Int64, value);

    public void AddFloat64(string key, double value) => Set(key, GgufValueType.Float64, value);

    public void AddStringArray(string key, IEnumerable<string> values) => AddArray(key, values.ToArray());

    public void AddInt32Array(string key, IEnumerable<int> values) => AddArray(key, values.ToArray());

    public void AddFloat32Array(string key, IEnumerable<float> values) => AddArray(key, values.ToArray());

    /// <summary>
    /// An array of any GGUF element type, chosen from the CLR element type (byte[] = UInt8, long[] = Int64, ...).
    /// Nested arrays are passed as object[] (or T[][]) whose elements are themselves arrays; the GGUF spec
    /// allows them but llama.cpp's loader rejects them, so avoid them in files meant for LLamaSharp.
    /// </summary>
    public void AddArray(string key, Array values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var elementType = GgufTypes.ElementTypeOf(values);
        if (elementType == GgufValueType.Array)
        {
            foreach (var inner in values)
            {
                if (inner is not Array)
                {
                    throw new ArgumentException($"metadata '{key}': nested array elements must all be arrays", nameof(values));
                }
            }
        }

        Set(key, GgufValueType.Array, values.Clone(), elementType);
    }

    /// <summary>
    /// Adds a tensor whose f32 rows (ne0 = <paramref name="ggmlDims"/>[0] values each) are requested from
    /// <paramref name="fillRows"/>(firstRow, rowCount, rows) at write time and stored as <paramref name="storeAs"/>.
    /// </summary>
    public void AddTensor(string name, long[] ggmlDims, GgmlType storeAs, Action<long, int, Span<float>> fillRows)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(fillRows);
        ArgumentNullException.ThrowIfNull(ggmlDims);
        if (tensors.Any(t => t.Info.Name == name))
        {
            throw new ArgumentException($"tensor '{name}' was already added", nameof(name));
        }

        if (Encoding.UTF8.GetByteCount(name) > MaxNameBytes)
        {
            throw new ArgumentException($"tensor '{name}': name is longer than {MaxNameBytes} bytes, which llama.cpp cannot load", nameof(name));
        }

        if (ggmlDims.Length is 0 or > 4 || ggmlDims.Any(d => d <= 0))
        {
            throw new ArgumentException($"tensor '{name}': shape {TensorShape.Format(ggmlDims)} must have 1 to 4 positive dimensions", nameof(ggmlDims));
        }

        if (!GgmlQuantization.CanQuantize(storeAs))
        {
            throw new ArgumentException($"tensor '{name}': cannot write ggml type {GgmlQuantization.Describe(storeAs)} (supported: F32, F16, BF16, Q8_0, Q4_0)", nameof(storeAs));
        }

        var blockSize = GgmlQuantization.BlockSize(storeAs);
        if (ggmlDims[0] % blockSize != 0)
        {
            throw new ArgumentException(
                $"tensor '{name}': row length {ggmlDims[0]} is not a multiple of the {storeAs} block size {blockSize}", nameof(ggmlDims));
        }

        tensors.Add(new PendingTensor(new GgufTensorInfo(name, (long[])ggmlDims.Clone(), storeAs, 0), fillRows, null));
    }

    /// <summary>Copies a metadata key from another GGUF file with its exact type.</summary>
    public void CopyMetadata(GgufMetadata source, string key) => CopyMetadataAs(source, key, key);

    /// <summary>Copies a metadata value from another GGUF file under a new key, keeping its exact type.</summary>
    public void CopyMetadataAs(GgufMetadata source, string key, string newKey)
    {
        var entry = source.GetEntry(key);
        Set(newKey, entry.Type, entry.Value, entry.ElementType);
    }

    /// <summary>
    /// Adds a tensor whose bytes are already in <paramref name="type"/>'s layout (e.g. Q8_0 blocks copied
    /// from another file); <paramref name="writeBytes"/> must write exactly the tensor's byte size.
    /// </summary>
    public void AddTensorBytes(string name, long[] ggmlDims, GgmlType type, Action<Stream> writeBytes)
    {
        ArgumentNullException.ThrowIfNull(writeBytes);
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (tensors.Any(t => t.Info.Name == name))
        {
            throw new ArgumentException($"tensor '{name}' was already added", nameof(name));
        }
        if (ggmlDims.Length is 0 or > 4 || ggmlDims.Any(d => d <= 0) || ggmlDims[0] % GgmlQuantization.BlockSize(type) != 0)
        {
            throw new ArgumentException($"tensor '{name}': shape {TensorShape.Format(ggmlDims)} is not valid for {type}", nameof(ggmlDims));
        }
        tensors.Add(new PendingTensor(new GgufTensorInfo(name, (long[])ggmlDims.Clone(), type, 0), null, writeBytes));
    }

    /// <summary>Adds a tensor from an in-memory f32 buffer laid out in ggml order (ne0 contiguous).</summary>
    public void AddTensor(string name, long[] ggmlDims, GgmlType storeAs, ReadOnlyMemory<float> data)
    {
        var count = TensorShape.ElementCount(ggmlDims);
        if (data.Length != count)
        {
            throw new ArgumentException($"tensor '{name}': shape {TensorShape.Format(ggmlDims)} needs {count} values, got {data.Length}", nameof(data));
        }

        AddTensor(name, ggmlDims, storeAs, RowChunks.FromMemory(data, ggmlDims[0]));
    }

    /// <summary>
    /// Writes the file through an <see cref="AtomicFile"/> (hidden temporary name, then renamed). Cancellation is checked
    /// between row chunks; a cancelled or failed write removes the temporary file.
    /// </summary>
    public void WriteTo(string path, CancellationToken cancellationToken = default)
    {
        var alignment = Alignment();
        var placed = new List<PendingTensor>(tensors.Count);
        ulong offset = 0;
        foreach (var tensor in tensors)
        {
            offset = (ulong)GgufHeaderParser.AlignUp((long)offset, alignment);
            placed.Add(tensor with { Info = tensor.Info with { Offset = offset } });
            offset += (ulong)tensor.Info.ByteSize;
        }

        AtomicFile.Write(path, stream =>
        {
            using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            WriteHeader(writer, placed);
            Pad(writer, alignment);
            var dataStart = writer.BaseStream.Position;
            foreach (var tensor in placed)
            {
                PadTo(writer, dataStart + (long)tensor.Info.Offset);
                WriteTensorData(writer, tensor, cancellationToken);
            }

            // ggml pads the data of every tensor, the last included; loaders that read the whole
            // data section at once expect that final padding to be present.
            Pad(writer, alignment);

            writer.Flush();
        });
    }

    private uint Alignment()
    {
        var entry = metadata.Find(e => e.Key == GgufHeaderParser.AlignmentKey);
        if (entry is null)
        {
            return GgufHeaderParser.DefaultAlignment;
        }

        if (entry.Value is not uint alignment || alignment == 0 || (alignment & (alignment - 1)) != 0)
        {
            throw new InvalidOperationException($"{GgufHeaderParser.AlignmentKey} must be a uint32 power of two, got {entry.Type} {entry.Value}");
        }

        return alignment;
    }

    private void WriteHeader(BinaryWriter writer, List<PendingTensor> placed)
    {
        writer.Write(GgufHeaderParser.Magic);
        writer.Write(3u);
        writer.Write((ulong)placed.Count);
        writer.Write((ulong)metadata.Count);
        foreach (var entry in metadata)
        {
            GgufValueWriter.WriteEntry(writer, entry);
        }

        foreach (var tensor in placed)
        {
            GgufValueWriter.WriteString(writer, tensor.Info.Name);
            writer.Write((uint)tensor.Info.Dimensions.Length);
            foreach (var d in tensor.Info.Dimensions)
            {
                writer.Write((ulong)d);
            }

            writer.Write((uint)tensor.Info.Type);
            writer.Write(tensor.Info.Offset);
        }
    }

    private static void WriteTensorData(BinaryWriter writer, PendingTensor tensor, CancellationToken cancellationToken)
    {
        var info = tensor.Info;
        if (tensor.WriteBytes is { } copy)
        {
            writer.Flush();
            var start = writer.BaseStream.Position;
            copy(writer.BaseStream);
            var written = writer.BaseStream.Position - start;
            if (written != info.ByteSize)
            {
                throw new InvalidOperationException($"tensor '{info.Name}': wrote {written} bytes, its shape and type need {info.ByteSize}");
            }
            return;
        }

        var rowBytes = info.RowByteSize;
        byte[]? buffer = null;
        try
        {
            RowChunks.Stream(info.RowLength, info.RowCount, tensor.FillRows!, cancellationToken, (rows, rowCount) =>
            {
                var bytes = checked((int)(rowCount * rowBytes));
                if (buffer is null || buffer.Length < bytes)
                {
                    if (buffer is not null)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                    }

                    buffer = ArrayPool<byte>.Shared.Rent(bytes);
                }

                GgmlQuantization.Quantize(info.Type, rows, buffer.AsSpan(0, bytes));
                writer.Write(buffer, 0, bytes);
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

    private static void Pad(BinaryWriter writer, uint alignment) =>
        PadTo(writer, GgufHeaderParser.AlignUp(writer.BaseStream.Position, alignment));

    private static void PadTo(BinaryWriter writer, long position)
    {
        writer.Flush();
        var padding = position - writer.BaseStream.Position;
        Span<byte> zeros = stackalloc byte[256];
        zeros.Clear();
        while (padding > 0)
        {
            var n = (int)Math.Min(padding, zeros.Length);
            writer.Write(zeros[..n]);
            padding -= n;
        }
    }

    private void Set(string key, GgufValueType type, object value, GgufValueType elementType = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var entry = new GgufMetadataEntry(key, type, value, elementType);
        var index = metadata.FindIndex(e => e.Key == key);
        if (index >= 0)
        {
            metadata[index] = entry;
        }
        else
        {
            metadata.Add(entry);
        }
    }

    private sealed record PendingTensor(GgufTensorInfo Info, Action<long, int, Span<float>>? FillRows, Action<Stream>? WriteBytes);
}
