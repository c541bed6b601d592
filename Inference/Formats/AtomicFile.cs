namespace Qwen3Tts.Inference.Formats;

/// <summary>
/// A file written under a hidden temporary name beside its target and moved into place only by
/// <see cref="Commit"/>, so a crash, an exception or a cancellation never leaves a half-written file
/// under the final name (model files, WAVs, tokenizers alike). The temporary name is unique, so two
/// writers of the same target do not trample each other; the last commit wins. Disposing without
/// committing deletes the temporary file.
/// </summary>
public sealed class AtomicFile : IDisposable, IAsyncDisposable
{
    private bool _committed;

    private AtomicFile(string path, string tempPath, FileStream stream)
    {
        Path = path;
        TempPath = tempPath;
        Stream = stream;
    }

    /// <summary>The final (full) path.</summary>
    public string Path { get; }

    public string TempPath { get; }

    public FileStream Stream { get; }

    public static AtomicFile Create(string path, bool useAsync = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = System.IO.Path.GetFullPath(path);
        var directory = System.IO.Path.GetDirectoryName(fullPath)!;
        Directory.CreateDirectory(directory);
        var temp = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 20, useAsync);
        return new AtomicFile(fullPath, temp, stream);
    }

    /// <summary>Creates the file, runs <paramref name="write"/> on its stream and commits it.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        using var file = Create(path);
        write(file.Stream);
        file.Commit();
    }

    /// <summary>Creates the file, awaits <paramref name="write"/> on its stream and commits it unless cancelled.</summary>
    public static async Task WriteAsync(string path, Func<Stream, Task> write, CancellationToken cancellationToken = default)
    {
        await using var file = Create(path, useAsync: true);
        await write(file.Stream).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        file.Commit();
    }

    /// <param name="overwrite">
    /// false: never replace an existing file; the move fails with an <see cref="IOException"/> instead (atomically on
    /// Linux, where .NET links the new name, so of two writers racing for one name exactly one wins).
    /// </param>
    public void Commit(bool overwrite = true)
    {
        ObjectDisposedException.ThrowIf(_committed, this);
        Stream.Flush(flushToDisk: true);
        Stream.Dispose();
        File.Move(TempPath, Path, overwrite);
        _committed = true;
    }

    public void Dispose()
    {
        if (_committed)
        {
            return;
        }

        Stream.Dispose();
        try
        {
            File.Delete(TempPath);
        }
        catch (IOException)
        {
            // Best effort: the error that aborted the write matters more; a stray hidden file only wastes disk.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
