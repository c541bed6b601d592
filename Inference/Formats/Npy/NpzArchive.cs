using System.IO.Compression;

namespace Qwen3Tts.Inference.Formats.Npy;

/// <summary>A NumPy .npz archive: a zip of .npy entries, stored or deflated.</summary>
public sealed class NpzArchive : IDisposable
{
    private const string Extension = ".npy";
    private readonly ZipArchive zip;
    private readonly Dictionary<string, ZipArchiveEntry> entries;

    private NpzArchive(string path, ZipArchive zip)
    {
        Path = path;
        this.zip = zip;
        entries = new Dictionary<string, ZipArchiveEntry>(StringComparer.Ordinal);
        foreach (var entry in zip.Entries)
        {
            if (entry.FullName.EndsWith('/'))
            {
                continue; // directory entry
            }

            var name = entry.FullName.EndsWith(Extension, StringComparison.Ordinal) ? entry.FullName[..^Extension.Length] : entry.FullName;
            if (!entries.TryAdd(name, entry))
            {
                throw new ModelFormatException($"array '{name}' appears twice in the archive", path);
            }
        }

        Names = entries.Keys.ToArray();
    }

    public string Path { get; }

    /// <summary>Array names, without the ".npy" suffix.</summary>
    public IReadOnlyList<string> Names { get; }

    public static NpzArchive Open(string path)
    {
        try
        {
            return new NpzArchive(path, ZipFile.OpenRead(path));
        }
        catch (InvalidDataException e)
        {
            throw new ModelFormatException($"not a valid .npz (zip) archive: {e.Message}", path, inner: e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelFormatException($"cannot open .npz archive: {e.Message}", path, inner: e);
        }
    }

    /// <summary>True for a name with or without ".npy".</summary>
    public bool Contains(string name) => entries.ContainsKey(Normalize(name));

    public NpyArray Read(string name)
    {
        var key = Normalize(name);
        if (!entries.TryGetValue(key, out var entry))
        {
            throw new ModelFormatException($"array is missing from the archive (has: {string.Join(", ", Names)})", Path, key);
        }

        try
        {
            using var stream = entry.Open();
            return NpyReader.Read(stream, Path, key, entry.Length);
        }
        catch (InvalidDataException e)
        {
            throw new ModelFormatException($"archive entry is corrupt: {e.Message}", Path, key, e);
        }
    }

    public void Dispose() => zip.Dispose();

    private static string Normalize(string name) =>
        name.EndsWith(Extension, StringComparison.Ordinal) ? name[..^Extension.Length] : name;
}
