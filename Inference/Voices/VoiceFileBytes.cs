namespace Qwen3Tts.Inference.Voices;

/// <summary>
/// Reads a voice file whole, safely: only a regular file (a FIFO, socket, device or directory is refused without
/// waiting on it), of at most a bound of bytes (checked before reading, and the read itself never goes past it, so
/// a file that grows or a device that never ends cannot exhaust memory). Messages call the file by the name the
/// caller gives: the path a user typed, or, for the voice library, the voice's name, so an HTTP client never learns
/// where the server keeps its files or where a link points.
/// </summary>
public static class VoiceFileBytes
{
    /// <param name="noFollow">Refuse a symbolic link as the last component (the library resolves links itself).</param>
    /// <param name="what">What the file is, for messages ("voice file", "reference audio").</param>
    /// <param name="name">What messages call the file; <paramref name="path"/> when null.</param>
    public static byte[] Read(string path, long maxBytes, bool noFollow = false, string what = "voice file", string? name = null)
    {
        var shown = name ?? path;
        if (Directory.Exists(path))
        {
            throw new VoiceFileException($"{shown}: is a directory, not a {what}");
        }
        FileStream stream;
        try
        {
            stream = NonBlockingFileOpen.OpenRead(path, noFollow);
        }
        catch (FileNotFoundException)
        {
            throw new VoiceFileException(new FileInfo(path).LinkTarget is { } target
                ? name is null ? $"{path}: is a link to '{target}', which does not exist" : $"{shown}: is a link to a file that does not exist"
                : $"{what} not found: {shown}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new VoiceFileException($"{shown}: cannot be read: {Reason(e, path, shown)}", e);
        }
        using (stream)
        {
            if (!stream.CanSeek)
            {
                throw new VoiceFileException($"{shown}: is a pipe or socket, not a regular {what}");
            }
            var length = stream.Length;
            if (length == 0)
            {
                throw new VoiceFileException($"{shown}: is empty (or a device, not a regular {what})");
            }
            if (length > maxBytes)
            {
                throw new VoiceFileException($"{shown}: {length} bytes is too large for a {what} (limit {maxBytes})");
            }
            var bytes = new byte[length];
            try
            {
                stream.ReadExactly(bytes);
            }
            catch (EndOfStreamException)
            {
                throw new VoiceFileException($"{shown}: shrank while it was read");
            }
            catch (IOException e)
            {
                throw new VoiceFileException($"{shown}: cannot be read: {Reason(e, path, shown)}", e);
            }
            return bytes;
        }
    }

    /// <summary>The system's reason, with the path it names (the runtime puts it in most messages) replaced by <paramref name="shown"/>.</summary>
    private static string Reason(Exception e, string path, string shown) =>
        e is UnauthorizedAccessException ? "permission denied" : e.Message.Replace(Path.GetFullPath(path), shown, StringComparison.Ordinal).Replace(path, shown, StringComparison.Ordinal);
}
