using System.IO.Compression;
using System.Text;

namespace Qwen3Tts.Tests.Voices;

/// <summary>
/// Builds pickles opcode by opcode and wraps them in a torch.save-style zip (<c>NAME/data.pkl</c>, <c>NAME/data/KEY</c>,
/// <c>NAME/version</c>, optionally <c>NAME/byteorder</c> as PyTorch 2 writes), for hostile and edge-case voice files.
/// </summary>
internal sealed class PickleBytes
{
    private readonly Formats.ByteBuilder _bytes = new();

    public static PickleBytes Protocol2() => new PickleBytes().Op(0x80).Op(2);

    public byte[] ToArray() => _bytes.ToArray();

    public PickleBytes Op(byte opcode) => Raw(opcode);

    public PickleBytes Op(char opcode) => Op((byte)opcode);

    public PickleBytes Raw(params byte[] bytes)
    {
        _bytes.Bytes(bytes);
        return this;
    }

    public PickleBytes Str(string text)
    {
        var utf8 = Encoding.UTF8.GetBytes(text);
        Op('X').UInt32((uint)utf8.Length);
        return Raw(utf8);
    }

    public PickleBytes Int(int value) => Op('J').Raw(BitConverter.GetBytes(value));

    public PickleBytes UInt32(uint value)
    {
        _bytes.U32(value);
        return this;
    }

    public PickleBytes UInt64(ulong value)
    {
        _bytes.U64(value);
        return this;
    }

    public PickleBytes Global(string module, string name) => Op('c').Raw(Encoding.ASCII.GetBytes($"{module}\n{name}\n"));

    /// <summary><c>_rebuild_tensor_v2(persistent storage, offset, size, stride, False, OrderedDict())</c> as torch.save writes it.</summary>
    public PickleBytes Tensor(string storageType, string key, long numel, long offset, long[] size, long[] stride)
    {
        Global("torch._utils", "_rebuild_tensor_v2").Op('(');
        Op('(').Str("storage").Global("torch", storageType).Str(key).Str("cpu").Long(numel).Op('t').Op('Q');
        Long(offset).Tuple(size).Tuple(stride).Op(0x89);
        Global("collections", "OrderedDict").Op(')').Op('R');
        return Op('t').Op('R');
    }

    public PickleBytes Long(long value)
    {
        Op(0x8a).Op(8);
        return Raw(BitConverter.GetBytes(value));
    }

    public PickleBytes Tuple(long[] values)
    {
        Op('(');
        foreach (var v in values)
        {
            Long(v);
        }
        return Op('t');
    }
}

internal static class TorchZip
{
    public static byte[] Write(byte[] pickle, IReadOnlyDictionary<string, byte[]>? storages = null, string? byteOrder = null,
        string archive = "voice", CompressionLevel level = CompressionLevel.NoCompression)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            Add(zip, $"{archive}/data.pkl", pickle, level);
            if (byteOrder is not null)
            {
                Add(zip, $"{archive}/byteorder", Encoding.ASCII.GetBytes(byteOrder), level);
            }
            foreach (var (key, bytes) in storages ?? new Dictionary<string, byte[]>())
            {
                Add(zip, $"{archive}/data/{key}", bytes, level);
            }
            Add(zip, $"{archive}/version", "3\n"u8.ToArray(), level);
        }
        return buffer.ToArray();
    }

    private static void Add(ZipArchive zip, string name, byte[] bytes, CompressionLevel level)
    {
        using var stream = zip.CreateEntry(name, level).Open();
        stream.Write(bytes);
    }

    /// <summary>int64 little-endian bytes of the values.</summary>
    public static byte[] Int64s(IEnumerable<long> values) => [.. values.SelectMany(BitConverter.GetBytes)];
}
