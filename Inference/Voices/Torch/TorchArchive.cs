using System.IO.Compression;
using System.Text;

namespace Qwen3Tts.Inference.Voices.Torch;

/// <summary>
/// A file written by <c>torch.save</c> (PyTorch 1.6 and later): a zip archive with one top folder holding
/// <c>data.pkl</c> (the pickled object), <c>data/KEY</c> (one record of raw little-endian bytes per storage) and a few
/// small records (<c>version</c>, <c>byteorder</c>). Records are read whole under a size bound, inflated ones too, so a
/// zip bomb or a lying header cannot make the reader allocate more than the voice-file limit.
/// </summary>
internal static class TorchArchive
{
    public static object? Load(byte[] file, long maxRecordBytes)
    {
        if (file.Length >= 2 && file[0] == 0x80 && file[1] == 0x02 && !IsZip(file))
        {
            throw new InvalidDataException(
                "is in PyTorch's legacy format (before 1.6, not a zip archive), which is not read; load it in Python and torch.save it again, or re-encode the reference audio");
        }
        if (!IsZip(file))
        {
            throw new InvalidDataException("is not a PyTorch file (torch.save writes a zip archive; this does not start with 'PK')");
        }
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(new MemoryStream(file, writable: false), ZipArchiveMode.Read);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"is not a readable zip archive: {e.Message}", e);
        }
        using (zip)
        {
            var pickle = zip.Entries.FirstOrDefault(e => IsRecord(e.FullName, "data.pkl"))
                ?? throw new InvalidDataException(zip.Entries.Any(e => e.FullName.EndsWith("/constants.pkl", StringComparison.Ordinal))
                    ? "is a TorchScript archive (a model), not a saved tensor or dict of tensors"
                    : "is a zip archive without data.pkl, not a torch.save file");
            var prefix = pickle.FullName[..^"data.pkl".Length];
            if (zip.Entries.FirstOrDefault(e => e.FullName == prefix + "byteorder") is { } order
                && Encoding.ASCII.GetString(Read(order, 16)).Trim() is var byteOrder && byteOrder != "little")
            {
                throw new InvalidDataException($"stores its tensors {byteOrder}-endian; only little-endian files (what every common machine writes) are read");
            }
            var storages = new Dictionary<string, TorchStorage>(StringComparer.Ordinal);
            return RestrictedUnpickler.Load(Read(pickle, maxRecordBytes), request => Storage(zip, prefix, request, storages, maxRecordBytes));
        }
    }

    private static TorchStorage Storage(ZipArchive zip, string prefix, StorageRequest request, Dictionary<string, TorchStorage> cache, long maxRecordBytes)
    {
        if (cache.TryGetValue(request.Key, out var known))
        {
            return known.Type == request.Type
                ? known
                : throw new InvalidDataException($"storage '{request.Key}' is named as both {known.Type.Name} and {request.Type.Name}");
        }
        var entry = zip.GetEntry(prefix + "data/" + request.Key)
            ?? throw new InvalidDataException($"names storage '{request.Key}', which the archive does not hold (data/{request.Key} is missing)");
        var needed = (Int128)request.Numel * request.Type.ElementSize;
        if (needed > entry.Length)
        {
            throw new InvalidDataException($"storage '{request.Key}' should hold {request.Numel} {request.Type.Name} elements ({needed} bytes) but its record has {entry.Length}");
        }
        var bytes = Read(entry, maxRecordBytes);
        var storage = new TorchStorage(request.Type, request.Key, bytes, request.Numel);
        cache[request.Key] = storage;
        return storage;
    }

    private static byte[] Read(ZipArchiveEntry entry, long maxBytes)
    {
        if (entry.Length > maxBytes)
        {
            throw new InvalidDataException($"record {entry.FullName} is {entry.Length} bytes; a voice file's records are at most {maxBytes}");
        }
        var bytes = new byte[entry.Length];
        try
        {
            using var stream = entry.Open();
            stream.ReadExactly(bytes);
            // One byte more would mean the header lied about the size (an inflated record can): refuse it.
            if (stream.ReadByte() >= 0)
            {
                throw new InvalidDataException($"record {entry.FullName} is longer than its zip header says");
            }
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException($"record {entry.FullName} is truncated (shorter than its zip header's {entry.Length} bytes)");
        }
        catch (IOException e) when (e is not EndOfStreamException)
        {
            throw new InvalidDataException($"record {entry.FullName} cannot be read: {e.Message}", e);
        }
        return bytes;
    }

    private static bool IsRecord(string fullName, string record)
    {
        var slash = fullName.IndexOf('/');
        return slash > 0 && fullName.IndexOf('/', slash + 1) < 0 && fullName.AsSpan(slash + 1).SequenceEqual(record);
    }

    private static bool IsZip(byte[] file) => file.Length >= 4 && file[0] == (byte)'P' && file[1] == (byte)'K';
}
