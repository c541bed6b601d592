using System.Buffers.Binary;

namespace Qwen3Tts.Inference.Formats.Safetensors;

/// <summary>A memory-mapped safetensors file with validated header and f32 conversion of float tensors.</summary>
public sealed class SafetensorsFile : IDisposable
{
    private readonly MappedFile file;
    private readonly long dataStart;
    private readonly Dictionary<string, SafetensorsTensorInfo> byName;

    private SafetensorsFile(MappedFile file, SafetensorsHeaderParser.Header header)
    {
        this.file = file;
        dataStart = header.DataStart;
        Tensors = header.Tensors;
        Metadata = header.Metadata;
        byName = header.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    public string Path => file.Path;

    /// <summary>Tensors in header order.</summary>
    public IReadOnlyList<SafetensorsTensorInfo> Tensors { get; }

    /// <summary>The "__metadata__" map (empty when absent).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    public static SafetensorsFile Open(string path)
    {
        var file = MappedFile.Open(path, "safetensors");
        try
        {
            return new SafetensorsFile(file, SafetensorsHeaderParser.Parse(file));
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public bool TryGetTensor(string name, out SafetensorsTensorInfo info) => byName.TryGetValue(name, out info!);

    public SafetensorsTensorInfo GetTensor(string name) =>
        byName.TryGetValue(name, out var info) ? info : throw new ModelFormatException("tensor is missing", Path, name);

    /// <summary>
    /// Copies <paramref name="destination"/>.Length bytes of the tensor, from <paramref name="offset"/> bytes into it, with
    /// <c>pread</c> instead of through the map: for a pass over many tensors (the talker's conversion) whose source pages
    /// would otherwise stay resident beside what it writes (the first load of an official 0.6B snapshot peaked 760 MB above
    /// the next one).
    /// </summary>
    public void ReadTensorBytes(SafetensorsTensorInfo info, long offset, Span<byte> destination)
    {
        if (offset < 0 || offset > info.ByteSize || destination.Length > info.ByteSize - offset)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), offset, $"{Path}: bytes [{offset}, {offset + destination.Length}) lie outside tensor '{info.Name}' ({info.ByteSize} bytes)");
        }
        file.Read(dataStart + info.Begin + offset, destination);
    }

    /// <summary>The tensor's raw little-endian bytes, straight from the map.</summary>
    public ReadOnlySpan<byte> GetTensorBytes(SafetensorsTensorInfo info) => file.Slice(dataStart + info.Begin, info.ByteSize);

    /// <summary>A float tensor (F32, F16, BF16 or F64) converted to f32, in C order.</summary>
    public float[] ReadFloat32(string name)
    {
        var info = GetTensor(name);
        var result = new float[CheckedCount(info)];
        ReadFloat32(name, result);
        return result;
    }

    public void ReadFloat32(string name, Span<float> destination)
    {
        var info = GetTensor(name);
        if (!SafetensorsDTypes.IsFloat(info.DType))
        {
            throw new ModelFormatException($"expected a float tensor (F32, F16, BF16, F64), found {info.DType}", Path, name);
        }

        if (destination.Length != info.ElementCount)
        {
            throw new ArgumentException($"{Path}: tensor '{name}' has {info.ElementCount} elements, the destination holds {destination.Length}", nameof(destination));
        }

        SafetensorsDTypes.ToFloat32(info.DType, GetTensorBytes(info), destination);
    }

    /// <summary>
    /// Row <paramref name="row"/> of a 2-D float tensor converted to f32, read without touching the map: for tables
    /// that stay open while the process serves (see <see cref="MappedFile.Read"/>), such as the official bf16 text table.
    /// </summary>
    public void ReadRowFloat32(SafetensorsTensorInfo info, long row, Span<float> destination)
    {
        if (info.Shape.Length != 2 || !SafetensorsDTypes.IsFloat(info.DType))
        {
            throw new ModelFormatException($"row reads need a 2-D float tensor, found {info.DType} {TensorShape.Format(info.Shape)}", Path, info.Name);
        }
        if ((ulong)row >= (ulong)info.Shape[0])
        {
            throw new ArgumentOutOfRangeException(nameof(row), row, $"{Path}: tensor '{info.Name}' has {info.Shape[0]} rows");
        }
        if (destination.Length != info.Shape[1])
        {
            throw new ArgumentException($"{Path}: tensor '{info.Name}' rows hold {info.Shape[1]} elements, the destination holds {destination.Length}", nameof(destination));
        }
        var rowBytes = checked((int)(info.Shape[1] * SafetensorsDTypes.ItemSize(info.DType)));
        using var scratch = new ScratchBytes(stackalloc byte[ScratchBytes.StackLimit], rowBytes);
        file.Read(dataStart + info.Begin + row * rowBytes, scratch.Span);
        SafetensorsDTypes.ToFloat32(info.DType, scratch.Span, destination);
    }

    /// <summary>Throws <see cref="ModelFileChangedException"/> if the file was rewritten since it was opened.</summary>
    public void EnsureUnchanged() => file.EnsureUnchanged();

    /// <summary>An integer tensor (I64, I32, I16, I8, U8, BOOL) widened to i64.</summary>
    public long[] ReadInt64(string name)
    {
        var info = GetTensor(name);
        if (SafetensorsDTypes.IsFloat(info.DType))
        {
            throw new ModelFormatException($"expected an integer tensor, found {info.DType}", Path, name);
        }

        var bytes = GetTensorBytes(info);
        var result = new long[CheckedCount(info)];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = info.DType switch
            {
                SafetensorsDType.I64 => BinaryPrimitives.ReadInt64LittleEndian(bytes[(8 * i)..]),
                SafetensorsDType.I32 => BinaryPrimitives.ReadInt32LittleEndian(bytes[(4 * i)..]),
                SafetensorsDType.I16 => BinaryPrimitives.ReadInt16LittleEndian(bytes[(2 * i)..]),
                SafetensorsDType.I8 => (sbyte)bytes[i],
                _ => bytes[i],
            };
        }

        return result;
    }

    public void ExpectShape(string name, params long[] shape) => TensorShape.Expect(Path, name, shape, GetTensor(name).Shape);

    public void Dispose() => file.Dispose();

    private int CheckedCount(SafetensorsTensorInfo info) =>
        info.ElementCount <= Array.MaxLength
            ? (int)info.ElementCount
            : throw new ModelFormatException($"has {info.ElementCount} elements, too many for one array", Path, info.Name);
}
