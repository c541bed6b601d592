using System.Runtime.InteropServices;

namespace Qwen3Tts.Inference.Formats.Npy;

/// <summary>
/// A memory-mapped .npy file (format 1.0, 2.0 or 3.0). Large tables (e.g. a 151936 x 2048 f32 embedding,
/// 1.24 GB) are read row by row without loading the whole file.
/// </summary>
public sealed class NpyFile : IDisposable
{
    private const int ChunkElements = 1 << 20;
    private readonly MappedFile file;

    private NpyFile(MappedFile file, NpyHeader header)
    {
        this.file = file;
        Header = header;
    }

    public NpyHeader Header { get; }

    public string Path => file.Path;

    /// <summary>The name used for this array in error messages: the file name.</summary>
    public string Name => System.IO.Path.GetFileName(file.Path);

    public static NpyFile Open(string path)
    {
        var file = MappedFile.Open(path, ".npy");
        try
        {
            var prefix = file.Slice(0, Math.Min(file.Length, NpyHeaderParser.PreambleBytes));
            var (major, textStart, textLength) = NpyHeaderParser.ReadPreamble(prefix, path, null);
            var dataOffset = (long)textStart + textLength;
            if (dataOffset > file.Length)
            {
                throw new ModelFormatException($"file is truncated inside the .npy header ({file.Length} of {dataOffset} bytes)", path);
            }

            var header = NpyHeaderParser.ParseText(file.Slice(textStart, textLength), major, dataOffset, path, null);
            if (header.DataByteSize > file.Length - dataOffset)
            {
                throw new ModelFormatException(
                    $"data is truncated: shape {TensorShape.Format(header.Shape)} of {NpyDTypes.Descr(header.DType)} needs " +
                    $"{header.DataByteSize} bytes, only {file.Length - dataOffset} present", path);
            }

            return new NpyFile(file, header);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>The whole array as f32 in C order (f16/f64 converted, Fortran order transposed).</summary>
    public float[] ReadAllFloat32()
    {
        NpyConvert.RequireFloat(Header.DType, Path, null);
        var result = new float[CheckedCount()];
        var itemSize = NpyDTypes.ItemSize(Header.DType);
        for (long start = 0; start < result.Length; start += ChunkElements)
        {
            var count = (int)Math.Min(ChunkElements, result.Length - start);
            NpyConvert.ToFloat32(Header.DType, file.Slice(Header.DataOffset + start * itemSize, (long)count * itemSize),
                result.AsSpan((int)start, count));
        }

        return Header.FortranOrder ? NpyConvert.FortranToC(result, Header.Shape) : result;
    }

    /// <summary>The whole array as i64 in C order (i32/i8/u8/bool widened).</summary>
    public long[] ReadAllInt64()
    {
        NpyConvert.RequireInteger(Header.DType, Path, null);
        var result = new long[CheckedCount()];
        var itemSize = NpyDTypes.ItemSize(Header.DType);
        for (long start = 0; start < result.Length; start += ChunkElements)
        {
            var count = (int)Math.Min(ChunkElements, result.Length - start);
            NpyConvert.ToInt64(Header.DType, file.Slice(Header.DataOffset + start * itemSize, (long)count * itemSize),
                result.AsSpan((int)start, count));
        }

        return Header.FortranOrder ? NpyConvert.FortranToC(result, Header.Shape) : result;
    }

    /// <summary>Row <paramref name="row"/> of a 2-D float array, converted to f32.</summary>
    public void ReadRowFloat32(long row, Span<float> destination)
    {
        NpyConvert.RequireFloat(Header.DType, Path, null);
        if (Header.Shape.Length != 2)
        {
            throw new ModelFormatException($"row reads need a 2-D array, found shape {TensorShape.Format(Header.Shape)}", Path, Name);
        }

        var (rows, columns) = (Header.Shape[0], Header.Shape[1]);
        if ((ulong)row >= (ulong)rows)
        {
            throw new ArgumentOutOfRangeException(nameof(row), row, $"{Path}: array has {rows} rows");
        }

        if (destination.Length != columns)
        {
            throw new ArgumentException($"{Path}: rows hold {columns} elements but the destination holds {destination.Length}", nameof(destination));
        }

        // Read, not mapped: tables read row by row stay open while the process serves (MappedFile.Read).
        var itemSize = NpyDTypes.ItemSize(Header.DType);
        if (!Header.FortranOrder)
        {
            using var scratch = new ScratchBytes(stackalloc byte[ScratchBytes.StackLimit], checked((int)(columns * itemSize)));
            file.Read(Header.DataOffset + row * columns * itemSize, scratch.Span);
            NpyConvert.ToFloat32(Header.DType, scratch.Span, destination);
            return;
        }

        // Column-major: a row's elements are `rows` apart.
        Span<float> one = stackalloc float[1];
        Span<byte> item = stackalloc byte[itemSize];
        for (var c = 0; c < columns; c++)
        {
            file.Read(Header.DataOffset + (c * rows + row) * itemSize, item);
            NpyConvert.ToFloat32(Header.DType, item, one);
            destination[c] = one[0];
        }
    }

    /// <summary>Throws <see cref="ModelFileChangedException"/> if the file was rewritten since it was opened.</summary>
    public void EnsureUnchanged() => file.EnsureUnchanged();

    /// <summary>The raw data bytes of a C-order f32 array, for zero-copy use (arrays under 2 GB).</summary>
    public ReadOnlySpan<float> GetFloat32Span()
    {
        if (Header.DType != NpyDType.Float32 || Header.FortranOrder || !BitConverter.IsLittleEndian)
        {
            throw new ModelFormatException($"zero-copy access needs a C-order <f4 array, found {NpyDTypes.Descr(Header.DType)}" +
                (Header.FortranOrder ? " in Fortran order" : ""), Path, Name);
        }

        return MemoryMarshal.Cast<byte, float>(file.Slice(Header.DataOffset, Header.DataByteSize));
    }

    public void ExpectShape(params long[] shape) => TensorShape.Expect(Path, Name, shape, Header.Shape);

    public void Dispose() => file.Dispose();

    private int CheckedCount()
    {
        var count = Header.ElementCount;
        if (count > Array.MaxLength)
        {
            throw new ModelFormatException($"has {count} elements, too many to load into one array; read it row by row", Path);
        }

        return (int)count;
    }
}
