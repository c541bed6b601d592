namespace Qwen3Tts.Inference.Formats;

/// <summary>
/// Writes a file under a temporary name and moves it into place only when complete, so a crash or an
/// exception never leaves a half-written model file under the final name.
/// </summary>
internal static class AtomicFile
{
    public static string TempPathFor(string path) => path + ".tmp";

    public static void Write(string path, Action<Stream> write)
    {
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var temp = TempPathFor(path);
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    public static void Commit(string tempPath, string path) => File.Move(tempPath, path, overwrite: true);

    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: the temp name is never read, a leftover only wastes disk space.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
