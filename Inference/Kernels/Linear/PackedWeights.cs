using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Qwen3Tts.Inference.Qwen3;

namespace Qwen3Tts.Inference.Kernels.Linear;

/// <summary>
/// A weight matrix in the kernels' interleaved layout (<see cref="PackedLayout"/>), in one pinned,
/// 64-byte-aligned buffer. Holds exactly the bytes of the ggml encoding (plus row padding to 16), so a
/// Q8_0 matrix costs 34 bytes per 32 weights in memory as on disk. Immutable after packing.
/// </summary>
internal sealed unsafe class PackedWeights
{
    private const int Rows16 = PackedLayout.GroupRows;
    private readonly byte[] _buffer;
    private readonly int _offset;

    private PackedWeights(WeightFormat format, int rows, int columns)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("the weight kernels assume a little-endian CPU.");
        }
        Format = format;
        Rows = rows;
        Columns = columns;
        Groups = PackedLayout.GroupCount(rows);
        GroupBytes = PackedLayout.GroupBytes(format, columns);
        ScaleBytes = PackedLayout.IsBlockFormat(format) ? PackedLayout.ScaleBytes(columns) : 0;
        var total = checked((int)(GroupBytes * Groups + PackedLayout.Alignment));
        _buffer = GC.AllocateArray<byte>(total, pinned: true);
        var address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_buffer));
        _offset = (int)((PackedLayout.Alignment - address % PackedLayout.Alignment) % PackedLayout.Alignment);
    }

    public WeightFormat Format { get; }

    public int Rows { get; }

    public int Columns { get; }

    public int Groups { get; }

    public long GroupBytes { get; }

    /// <summary>Bytes of a group's scale region; 0 for float formats.</summary>
    public int ScaleBytes { get; }

    /// <summary>Bytes held for the weights (padding rows included): what one full product streams.</summary>
    public long ByteCount => GroupBytes * Groups;

    /// <summary>Start of group <paramref name="group"/>; valid while this object is alive (the buffer is pinned).</summary>
    public byte* Group(int group) =>
        (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_buffer)) + _offset + group * GroupBytes;

    private Span<byte> GroupSpan(int group) => _buffer.AsSpan(_offset + checked((int)(group * GroupBytes)), (int)GroupBytes);

    /// <summary>Packs row-major weights given in their ggml encoding (little-endian; Q8_0/Q4_0 as ggml blocks).</summary>
    public static PackedWeights Pack(WeightFormat format, ReadOnlySpan<byte> ggml, int rows, int columns)
    {
        var packed = new PackedWeights(format, rows, columns);
        for (var r = 0; r < rows; r++)
        {
            var group = packed.GroupSpan(r / Rows16);
            var row = r % Rows16;
            switch (format)
            {
                case WeightFormat.Float32:
                    PackFloatRow(ggml.Slice(r * columns * 4, columns * 4), group, row, sizeof(float));
                    break;
                case WeightFormat.BFloat16:
                    PackFloatRow(ggml.Slice(r * columns * 2, columns * 2), group, row, sizeof(ushort));
                    break;
                case WeightFormat.Float16:
                    var halves = ggml.Slice(r * columns * 2, columns * 2);
                    for (var k = 0; k < columns; k++)
                    {
                        if (!HalfBits.IsFiniteHalf(BinaryPrimitives.ReadUInt16LittleEndian(halves[(2 * k)..])))
                        {
                            throw new ArgumentException($"f16 weight at row {r}, column {k} is not finite.", nameof(ggml));
                        }
                    }
                    PackFloatRow(halves, group, row, sizeof(ushort));
                    break;
                case WeightFormat.Q8_0:
                    PackQ8Row(ggml.Slice(r * (columns / 32) * 34, columns / 32 * 34), group, packed.ScaleBytes, row, r);
                    break;
                case WeightFormat.Q4_0:
                    PackQ4Row(ggml.Slice(r * (columns / 32) * 18, columns / 32 * 18), group, packed.ScaleBytes, row, r);
                    break;
            }
        }
        return packed;
    }

    /// <summary>Expands the weights to row-major f32 (block values are (q or q - 8) * d, as ggml dequantizes).</summary>
    public void Unpack(Span<float> destination)
    {
        var columns = Columns;
        for (var r = 0; r < Rows; r++)
        {
            ReadOnlySpan<byte> group = GroupSpan(r / Rows16);
            var row = r % Rows16;
            var output = destination.Slice(r * columns, columns);
            for (var k = 0; k < columns; k++)
            {
                output[k] = Format switch
                {
                    WeightFormat.Float32 => BinaryPrimitives.ReadSingleLittleEndian(group[((k * Rows16 + row) * 4)..]),
                    WeightFormat.BFloat16 => HalfBits.BFloat16ToSingle(BinaryPrimitives.ReadUInt16LittleEndian(group[((k * Rows16 + row) * 2)..])),
                    WeightFormat.Float16 => HalfBits.HalfToSingle(BinaryPrimitives.ReadUInt16LittleEndian(group[((k * Rows16 + row) * 2)..])),
                    WeightFormat.Q8_0 => (sbyte)group[ScaleBytes + PackedLayout.Q8Offset(row, k)] * BlockScale(group, k, row),
                    _ => (Nibble(group, k, row) - 8) * BlockScale(group, k, row),
                };
            }
        }
    }

    private float BlockScale(ReadOnlySpan<byte> group, int column, int row) =>
        HalfBits.HalfToSingle(BinaryPrimitives.ReadUInt16LittleEndian(group[((column / 32 * Rows16 + row) * 2)..]));

    private int Nibble(ReadOnlySpan<byte> group, int column, int row)
    {
        var (offset, high) = PackedLayout.Q4Offset(row, column);
        var packed = group[ScaleBytes + offset];
        return high ? packed >> 4 : packed & 0x0f;
    }

    private static void PackFloatRow(ReadOnlySpan<byte> source, Span<byte> group, int row, int size)
    {
        var columns = source.Length / size;
        for (var k = 0; k < columns; k++)
        {
            source.Slice(k * size, size).CopyTo(group[((k * Rows16 + row) * size)..]);
        }
    }

    private static void PackQ8Row(ReadOnlySpan<byte> blocks, Span<byte> group, int scaleBytes, int row, int sourceRow)
    {
        for (var b = 0; b < blocks.Length / 34; b++)
        {
            var block = blocks.Slice(b * 34, 34);
            CopyScale(block, group, b, row, sourceRow);
            for (var j = 0; j < 32; j++)
            {
                group[scaleBytes + PackedLayout.Q8Offset(row, b * 32 + j)] = block[2 + j];
            }
        }
    }

    private static void PackQ4Row(ReadOnlySpan<byte> blocks, Span<byte> group, int scaleBytes, int row, int sourceRow)
    {
        for (var b = 0; b < blocks.Length / 18; b++)
        {
            var block = blocks.Slice(b * 18, 18);
            CopyScale(block, group, b, row, sourceRow);
            for (var j = 0; j < 32; j++)
            {
                // ggml Q4_0: byte i holds weight i (low nibble) and weight i + 16 (high nibble).
                var nibble = j < 16 ? block[2 + j] & 0x0f : block[2 + j - 16] >> 4;
                var (offset, high) = PackedLayout.Q4Offset(row, b * 32 + j);
                group[scaleBytes + offset] |= (byte)(high ? nibble << 4 : nibble);
            }
        }
    }

    private static void CopyScale(ReadOnlySpan<byte> block, Span<byte> group, int b, int row, int sourceRow)
    {
        if (!HalfBits.IsFiniteHalf(BinaryPrimitives.ReadUInt16LittleEndian(block)))
        {
            throw new ArgumentException($"block {b} of row {sourceRow} has a non-finite scale.");
        }
        block[..2].CopyTo(group[((b * Rows16 + row) * 2)..]);
    }
}
