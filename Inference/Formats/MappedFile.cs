using System.IO.MemoryMappedFiles;

namespace Qwen3Tts.Inference.Formats;

/// <summary>
/// A read-only memory map of a whole file with one acquired base pointer. Model files can be larger than
/// 2 GB, so callers address bytes with 64-bit offsets and only ever ask for slices that fit in a span.
/// </summary>
internal sealed unsafe class MappedFile : IDisposable
{
    private readonly MemoryMappedFile map;
    private readonly MemoryMappedViewAccessor view;
    private byte* basePointer;

    private MappedFile(string path, long length, MemoryMappedFile map, MemoryMappedViewAccessor view, byte* basePointer)
    {
        Path = path;
        Length = length;
        this.map = map;
        this.view = view;
        this.basePointer = basePointer;
    }

    public string Path { get; }

    public long Length { get; }

    /// <summary>Maps <paramref name="path"/>; an empty or missing file is a <see cref="ModelFormatException"/>.</summary>
    public static MappedFile Open(string path, string formatName)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelFormatException($"cannot open {formatName} file: {e.Message}", path, inner: e);
        }

        MemoryMappedFile? map = null;
        MemoryMappedViewAccessor? view = null;
        try
        {
            var length = stream.Length;
            if (length == 0)
            {
                throw new ModelFormatException($"file is empty, expected a {formatName} file", path);
            }

            map = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            return new MappedFile(path, length, map, view, pointer + view.PointerOffset);
        }
        catch
        {
            view?.Dispose();
            map?.Dispose();
            stream.Dispose();
            throw;
        }
    }

    /// <summary>A view of <paramref name="length"/> bytes at <paramref name="offset"/>; throws if outside the file.</summary>
    public ReadOnlySpan<byte> Slice(long offset, long length)
    {
        ObjectDisposedException.ThrowIf(basePointer == null, this);
        if (offset < 0 || length < 0 || offset > Length || length > Length - offset)
        {
            throw new ModelFormatException(
                $"file is truncated: needs bytes [{offset}, {offset + length}) but is only {Length} bytes long", Path);
        }

        if (length > int.MaxValue)
        {
            throw new ModelFormatException($"a single read of {length} bytes is larger than 2 GB", Path);
        }

        return new ReadOnlySpan<byte>(basePointer + offset, (int)length);
    }

    public void Dispose()
    {
        if (basePointer != null)
        {
            basePointer = null;
            view.SafeMemoryMappedViewHandle.ReleasePointer();
        }

        view.Dispose();
        map.Dispose();
    }
}
