namespace Qwen3Tts.Inference.Audio;

/// <summary>Writes a whole mono utterance to disk so that the file appears complete or not at all.</summary>
public static class AudioFile
{
    /// <summary>
    /// Writes to a temporary file in the target directory, then renames it over <paramref name="path"/>
    /// (same volume, so the rename is atomic); on failure or cancellation the temporary file is deleted.
    /// </summary>
    public static async Task WriteAsync(string path, ReadOnlyMemory<float> samples, int sampleRate, AudioFormat format, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(fullPath)!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");

        try
        {
            var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, bufferSize: 1 << 16, useAsync: true);
            await using (var writer = new WavWriter(file, sampleRate, channels: 1, format))
            {
                await writer.WriteSamplesAsync(samples, cancellationToken).ConfigureAwait(false);
            }
            cancellationToken.ThrowIfCancellationRequested();
            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // The original error matters more; a stray .tmp file is harmless.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
