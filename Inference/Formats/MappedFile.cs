using System.IO.MemoryMappedFiles;

namespace Qwen3Tts.Inference.Formats;

/// <summary>
/// A read-only memory map of a whole file with one acquired base pointer. Model files can be larger than
/// 2 GB, so callers address bytes with 64-bit offsets and only ever ask for slices that fit in a span.
/// <para>
/// The map is for loading. A file that stays open while the process serves (the talker's text table) is read with
/// <see cref="Read"/> instead: a <c>cp</c> over a mapped file truncates it, and touching a mapped page past the new
/// end is a SIGBUS that .NET cannot catch (the process died with AccessViolationException on the next request).
/// <see cref="Read"/> uses <c>pread</c> on the open descriptor, which a truncation only shortens, and checks the
/// file's size, modification and change times against those it had when it was opened (<see cref="EnsureUnchanged"/>), so
/// a rewritten file is refused with <see cref="ModelFileChangedException"/>, never half-read. A file replaced by a
/// rename is not a change: the descriptor keeps the old file.
/// </para>
/// </summary>
internal sealed unsafe class MappedFile : IDisposable
{
    private readonly FileStream stream;
    private readonly MemoryMappedFile map;
    private readonly MemoryMappedViewAccessor view;
    private readonly FileStamp loaded;
    private byte* basePointer;

    private MappedFile(string path, FileStream stream, long length, FileStamp loaded, MemoryMappedFile map, MemoryMappedViewAccessor view, byte* basePointer)
    {
        Path = path;
        Length = length;
        this.stream = stream;
        this.loaded = loaded;
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

            var loaded = FileStamp.Of(stream.SafeFileHandle);
            map = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
            view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            return new MappedFile(path, stream, length, loaded, map, view, pointer + view.PointerOffset);
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

    /// <summary>
    /// Copies <paramref name="destination"/>.Length bytes at <paramref name="offset"/> without touching the map, then
    /// checks that the file was not rewritten meanwhile: what it returns is the file as it was loaded, or it throws.
    /// One <c>pread</c> and a few <c>fstat</c>s, a few µs: for reads of a row or a few, not for bulk loading.
    /// </summary>
    public void Read(long offset, Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(basePointer == null, this);
        if (offset < 0 || offset > Length || destination.Length > Length - offset)
        {
            throw new ModelFormatException(
                $"file is truncated: needs bytes [{offset}, {offset + destination.Length}) but is only {Length} bytes long", Path);
        }
        var read = 0;
        while (read < destination.Length)
        {
            var n = RandomAccess.Read(stream.SafeFileHandle, destination[read..], offset + read);
            if (n == 0)
            {
                break;
            }
            read += n;
        }
        EnsureUnchanged();
        if (read < destination.Length)
        {
            throw new ModelFileChangedException(Path, $"ends at byte {offset + read} now");
        }
    }

    /// <summary>Throws <see cref="ModelFileChangedException"/> when the open file was written to since it was opened (<see cref="FileStamp"/>).</summary>
    public void EnsureUnchanged()
    {
        ObjectDisposedException.ThrowIf(basePointer == null, this);
        if (FileStamp.Of(stream.SafeFileHandle).DescribeChangeSince(loaded) is { } change)
        {
            throw new ModelFileChangedException(Path, change);
        }
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
        stream.Dispose();
    }
}
