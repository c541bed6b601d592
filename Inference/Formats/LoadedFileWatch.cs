namespace Qwen3Tts.Inference.Formats;

/// <summary>
/// Watches a file that native code maps for the life of the process (llama.cpp's view of the talker's runtime GGUF),
/// through a descriptor of its own: <see cref="EnsureUnchanged"/> compares the file's <see cref="FileStamp"/> with
/// the one it had when it was loaded and throws <see cref="ModelFileChangedException"/> on a rewrite in place, so the
/// caller refuses the work before the native code reads a mix of two files or touches pages a truncation removed (a
/// SIGBUS, which no .NET handler catches). One <c>fstat</c> and one <c>statx</c>, a few µs: cheap beside a decode.
/// A rewrite while a decode is already running is not caught before that decode. A new file renamed over the old one
/// is not a change: both the map and this descriptor keep the old file.
/// </summary>
public sealed class LoadedFileWatch : IDisposable
{
    private readonly FileStream _stream;
    private readonly FileStamp _loaded;

    private LoadedFileWatch(string path, FileStream stream)
    {
        Path = path;
        _stream = stream;
        _loaded = FileStamp.Of(stream.SafeFileHandle);
    }

    public string Path { get; }

    /// <summary>Opens <paramref name="path"/> for watching; call it before the native code opens the file, so both see the same one.</summary>
    public static LoadedFileWatch Open(string path)
    {
        try
        {
            // Sharing everything: the watch must not keep anyone from writing, renaming or deleting the file.
            return new LoadedFileWatch(path, new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelFormatException($"cannot open the file: {e.Message}", path, inner: e);
        }
    }

    /// <summary>Throws <see cref="ModelFileChangedException"/> when the file was written to since <see cref="Open"/>.</summary>
    public void EnsureUnchanged()
    {
        if (FileStamp.Of(_stream.SafeFileHandle).DescribeChangeSince(_loaded) is { } change)
        {
            throw new ModelFileChangedException(Path, change);
        }
    }

    public void Dispose() => _stream.Dispose();
}
