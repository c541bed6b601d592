using System.Buffers.Binary;
using System.Text;

namespace Qwen3Tts.Inference.Formats.Gguf;

/// <summary>
/// Reads little-endian GGUF primitives from a mapped file with bounds checks, so a truncated or corrupt
/// header gives a <see cref="ModelFormatException"/> rather than an out-of-range crash or a huge allocation.
/// </summary>
internal sealed class GgufCursor(MappedFile file)
{
    public long Position { get; private set; }

    public long Remaining => file.Length - Position;

    public string Path => file.Path;

    public ReadOnlySpan<byte> Take(long count, string what)
    {
        if (count < 0 || count > Remaining)
        {
            throw new ModelFormatException(
                $"file is truncated: {what} needs {count} bytes at offset {Position}, but only {Remaining} remain", file.Path);
        }

        var span = file.Slice(Position, count);
        Position += count;
        return span;
    }

    public byte ReadUInt8(string what) => Take(1, what)[0];

    public ushort ReadUInt16(string what) => BinaryPrimitives.ReadUInt16LittleEndian(Take(2, what));

    public uint ReadUInt32(string what) => BinaryPrimitives.ReadUInt32LittleEndian(Take(4, what));

    public ulong ReadUInt64(string what) => BinaryPrimitives.ReadUInt64LittleEndian(Take(8, what));

    public float ReadFloat32(string what) => BinaryPrimitives.ReadSingleLittleEndian(Take(4, what));

    public double ReadFloat64(string what) => BinaryPrimitives.ReadDoubleLittleEndian(Take(8, what));

    public string ReadString(string what)
    {
        var length = ReadUInt64(what + " length");
        if (length > (ulong)Remaining)
        {
            throw new ModelFormatException(
                $"file is truncated: {what} claims {length} bytes at offset {Position}, but only {Remaining} remain", file.Path);
        }

        return Encoding.UTF8.GetString(Take((long)length, what));
    }

    /// <summary>Reads a count and checks that at least count * minBytesEach bytes remain.</summary>
    public long ReadCount(string what, long minBytesEach)
    {
        var count = ReadUInt64(what);
        if (count > (ulong)Remaining / (ulong)Math.Max(1, minBytesEach))
        {
            throw new ModelFormatException(
                $"{what} is {count}, which cannot fit in the {Remaining} bytes left in the file (corrupt or truncated)", file.Path);
        }

        return (long)count;
    }
}
