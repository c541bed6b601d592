namespace Qwen3Tts.Inference.Formats.Gguf;

/// <summary>
/// A memory-mapped GGUF (v2 or v3) file: typed metadata, tensor infos, and zero-copy access to tensor data.
/// The file may exceed 2 GB; each single tensor must be under 2 GB.
/// </summary>
public sealed class GgufFile : IDisposable
{
    private readonly MappedFile file;
    private readonly Dictionary<string, GgufTensorInfo> byName;

    private GgufFile(MappedFile file, GgufHeaderParser.Header header)
    {
        this.file = file;
        Version = header.Version;
        Metadata = header.Metadata;
        Tensors = header.Tensors;
        DataOffset = header.DataStart;
        Alignment = header.Alignment;
        byName = header.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    public string Path => file.Path;

    public uint Version { get; }

    public GgufMetadata Metadata { get; }

    public IReadOnlyList<GgufTensorInfo> Tensors { get; }

    /// <summary>Absolute file offset where the tensor data section starts.</summary>
    public long DataOffset { get; }

    public uint Alignment { get; }

    public static GgufFile Open(string path)
    {
        var file = MappedFile.Open(path, "GGUF");
        try
        {
            return new GgufFile(file, GgufHeaderParser.Parse(file));
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public bool TryGetTensor(string name, out GgufTensorInfo info) => byName.TryGetValue(name, out info!);

    public GgufTensorInfo GetTensor(string name) =>
        byName.TryGetValue(name, out var info)
            ? info
            : throw new ModelFormatException("tensor is missing", Path, name);

    /// <summary>
    /// Copies the tensor's raw bytes into <paramref name="destination"/> (exactly its size) with <c>pread</c>, without touching
    /// the map: for loaders that repack every tensor into memory of their own, so the file's pages do not also count in the
    /// process's resident memory while it loads (the 0.6B talker's 470 MB stack was resident twice at its peak).
    /// </summary>
    public void ReadTensorBytes(GgufTensorInfo t, Span<byte> destination)
    {
        if (destination.Length != t.ByteSize)
        {
            throw new ArgumentException($"{Path}: tensor '{t.Name}' is {t.ByteSize} bytes but the destination holds {destination.Length}", nameof(destination));
        }
        file.Read(DataOffset + (long)t.Offset, destination);
    }

    /// <summary>The tensor's raw bytes, straight from the map (valid until this file is disposed).</summary>
    public ReadOnlySpan<byte> GetTensorBytes(GgufTensorInfo t)
    {
        if (t.ByteSize > int.MaxValue)
        {
            throw new ModelFormatException($"is {t.ByteSize} bytes; tensors over 2 GB cannot be viewed in one span", Path, t.Name);
        }

        return file.Slice(DataOffset + (long)t.Offset, t.ByteSize);
    }

    /// <summary>The whole tensor converted to f32, in ggml order (row by row, ne0 contiguous).</summary>
    public float[] ReadFloat32(string name)
    {
        var info = GetTensor(name);
        var count = info.ElementCount;
        if (count > Array.MaxLength)
        {
            throw new ModelFormatException($"has {count} elements, too many for one f32 array", Path, name);
        }

        var result = new float[count];
        ReadFloat32(name, result);
        return result;
    }

    public void ReadFloat32(string name, Span<float> destination)
    {
        var info = GetTensor(name);
        if (destination.Length != info.ElementCount)
        {
            throw new ArgumentException(
                $"{Path}: tensor '{name}' has {info.ElementCount} elements but the destination holds {destination.Length}",
                nameof(destination));
        }

        Dequantize(info, GetTensorBytes(info), destination);
    }

    /// <summary>One row (ne0 weights) of the tensor converted to f32.</summary>
    public void ReadRowFloat32(GgufTensorInfo t, long row, Span<float> destination)
    {
        if ((ulong)row >= (ulong)t.RowCount)
        {
            throw new ArgumentOutOfRangeException(nameof(row), row, $"{Path}: tensor '{t.Name}' has {t.RowCount} rows");
        }

        if (destination.Length != t.RowLength)
        {
            throw new ArgumentException(
                $"{Path}: tensor '{t.Name}' rows hold {t.RowLength} elements but the destination holds {destination.Length}",
                nameof(destination));
        }

        // Read, not mapped: tables read row by row stay open while the process serves (MappedFile.Read).
        var rowBytes = t.RowByteSize;
        using var scratch = new ScratchBytes(stackalloc byte[ScratchBytes.StackLimit], checked((int)rowBytes));
        file.Read(DataOffset + (long)t.Offset + row * rowBytes, scratch.Span);
        Dequantize(t, scratch.Span, destination);
    }

    /// <summary>Throws <see cref="ModelFileChangedException"/> if the file was rewritten since it was opened.</summary>
    public void EnsureUnchanged() => file.EnsureUnchanged();

    /// <summary>Checks the tensor's shape, given in ggml order (ne0 first).</summary>
    public void ExpectShape(string name, params long[] ggmlDims) =>
        TensorShape.Expect(Path, name, ggmlDims, GetTensor(name).Dimensions);

    public void Dispose() => file.Dispose();

    private void Dequantize(GgufTensorInfo info, ReadOnlySpan<byte> bytes, Span<float> destination)
    {
        if (!GgmlQuantization.CanDequantize(info.Type))
        {
            throw new ModelFormatException(
                $"type {GgmlQuantization.Describe(info.Type)} cannot be read as f32 (supported: {GgmlQuantization.DequantizableTypes})", Path, info.Name);
        }

        GgmlQuantization.Dequantize(info.Type, bytes, destination);
    }
}
