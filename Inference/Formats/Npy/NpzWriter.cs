using System.IO.Compression;

namespace Qwen3Tts.Inference.Formats.Npy;

/// <summary>
/// Writes a .npz archive (stored entries like numpy.savez, or deflated like savez_compressed).
/// <see cref="Complete"/> (or <see cref="Dispose"/>) moves the finished archive into place; if any
/// <c>Add</c> failed, Dispose discards the temporary file instead, so no partial archive appears.
/// </summary>
public sealed class NpzWriter : IDisposable
{
    private readonly AtomicFile target;
    private readonly ZipArchive zip;
    private readonly CompressionLevel level;
    private readonly HashSet<string> names = new(StringComparer.Ordinal);
    private bool finished;
    private bool faulted;

    public NpzWriter(string path, bool compressed = false)
    {
        Path = path;
        level = compressed ? CompressionLevel.Optimal : CompressionLevel.NoCompression;
        target = AtomicFile.Create(path);
        zip = new ZipArchive(target.Stream, ZipArchiveMode.Create, leaveOpen: true);
    }

    public string Path { get; }

    public void Add(string name, ReadOnlySpan<float> data, long[] shape, NpyDType storeAs = NpyDType.Float32)
    {
        using var stream = OpenEntry(name);
        try
        {
            NpyWriter.Write(stream, data, shape, storeAs);
        }
        catch
        {
            faulted = true;
            throw;
        }
    }

    public void Add(string name, ReadOnlySpan<long> data, long[] shape)
    {
        using var stream = OpenEntry(name);
        try
        {
            NpyWriter.Write(stream, data, shape);
        }
        catch
        {
            faulted = true;
            throw;
        }
    }

    /// <summary>Finishes the archive and moves it to <see cref="Path"/>.</summary>
    public void Complete()
    {
        ObjectDisposedException.ThrowIf(finished, this);
        if (faulted)
        {
            throw new InvalidOperationException($"{Path}: an earlier Add failed; the archive was not written");
        }

        finished = true;
        zip.Dispose();
        target.Commit();
    }

    public void Dispose()
    {
        if (finished)
        {
            return;
        }

        if (faulted)
        {
            finished = true;
            zip.Dispose();
            target.Dispose();
            return;
        }

        Complete();
    }

    private Stream OpenEntry(string name)
    {
        ObjectDisposedException.ThrowIf(finished, this);
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!names.Add(name))
        {
            throw new ArgumentException($"array '{name}' was already added", nameof(name));
        }

        var entry = zip.CreateEntry(name + ".npy", level);
        // A fixed time (the zip epoch) keeps archives with the same arrays byte-identical.
        entry.LastWriteTime = new DateTimeOffset(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);
        return entry.Open();
    }
}
