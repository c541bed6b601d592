namespace Qwen3Tts.Inference.Voices;

/// <summary>
/// Reads a voice file whole, safely: only a regular file (a FIFO, socket, device or directory is refused without
/// waiting on it), of at most a bound of bytes (checked before reading, and the read itself never goes past it, so
/// a file that grows or a device that never ends cannot exhaust memory).
/// </summary>
public static class VoiceFileBytes
{
    /// <param name="noFollow">Refuse a symbolic link as the last component (the library resolves links itself).</param>
    /// <param name="what">What the file is, for messages ("voice file", "reference audio").</param>
    public static byte[] Read(string path, long maxBytes, bool noFollow = false, string what = "voice file")
    {
        if (Directory.Exists(path))
        {
            throw new VoiceFileException($"{path}: is a directory, not a {what}");
        }
        FileStream stream;
        try
        {
            stream = NonBlockingFileOpen.OpenRead(path, noFollow);
        }
        catch (FileNotFoundException)
        {
            throw new VoiceFileException(new FileInfo(path).LinkTarget is { } target
                ? $"{path}: is a link to '{target}', which does not exist"
                : $"{what} not found: {path}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new VoiceFileException($"{path}: cannot be read: {e.Message}", e);
        }
        using (stream)
        {
            if (!stream.CanSeek)
            {
                throw new VoiceFileException($"{path}: is a pipe or socket, not a regular {what}");
            }
            var length = stream.Length;
            if (length == 0)
            {
                throw new VoiceFileException($"{path}: is empty (or a device, not a regular {what})");
            }
            if (length > maxBytes)
            {
                throw new VoiceFileException($"{path}: {length} bytes is too large for a {what} (limit {maxBytes})");
            }
            var bytes = new byte[length];
            try
            {
                stream.ReadExactly(bytes);
            }
            catch (EndOfStreamException)
            {
                throw new VoiceFileException($"{path}: shrank while it was read");
            }
            catch (IOException e)
            {
                throw new VoiceFileException($"{path}: cannot be read: {e.Message}", e);
            }
            return bytes;
        }
    }
}
