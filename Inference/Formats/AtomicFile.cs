namespace Qwen3Tts.Inference.Formats;

/// <summary>
/// A file written under a temporary name and moved into place only by <see cref="Commit"/>, so a crash or an
/// exception never leaves a half-written model file under the final name. Disposing without committing
/// deletes the temporary file.
/// </summary>
internal sealed class AtomicFile : IDisposable
{
    private bool committed;

    private AtomicFile(string path, string tempPath, FileStream stream)
    {
        Path = path;
        TempPath = tempPath;
        Stream = stream;
    }

    public string Path { get; }

    public string TempPath { get; }

    public FileStream Stream { get; }

    public static string TempPathFor(string path) => path + ".tmp";

    public static AtomicFile Create(string path)
    {
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var temp = TempPathFor(path);
        var stream = new FileStream(temp, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 20);
        return new AtomicFile(path, temp, stream);
    }

    /// <summary>Creates the file, runs <paramref name="write"/> on its stream and commits it.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        using var file = Create(path);
        write(file.Stream);
        file.Commit();
    }

    public void Commit()
    {
        ObjectDisposedException.ThrowIf(committed, this);
        Stream.Flush(flushToDisk: true);
        Stream.Dispose();
        File.Move(TempPath, Path, overwrite: true);
        committed = true;
    }

    public void Dispose()
    {
        if (committed)
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
            // Best effort: the temporary name is never read, a leftover only wastes disk space.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
