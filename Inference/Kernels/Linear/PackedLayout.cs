using Qwen3Tts.Inference.Qwen3;

namespace Qwen3Tts.Inference.Kernels.Linear;

/// <summary>
/// How a packed weight matrix sits in memory. Rows are taken 16 at a time (a row group, padded with
/// zero rows at the end) and interleaved so that one vector load holds the same columns of 16 rows:
/// a kernel then multiplies a broadcast activation against 16 rows at once and never reduces
/// horizontally, and each group streams from one contiguous region.
///
/// Float formats (f32, f16, bf16): column k of a group is 16 consecutive values, row 0 first.
///
/// Block formats (ggml Q8_0, Q4_0: 32 weights per block, one f16 scale): a group holds first the
/// scales (block b: 16 halves, row 0 first; the region padded to 64 bytes), then the quants:
/// - Q8_0, 512 bytes per block: 8 chunks of 4 columns; chunk j holds rows 0..15, each row's columns
///   4j..4j+3 as 4 consecutive int8. One 64-byte chunk is one AVX-512 register, one 16-byte quarter
///   one SDOT operand (4 rows), one 32-byte half one AVX2 register (8 rows).
/// - Q4_0, 256 bytes per block: 4 units of 64 bytes; unit u holds the chunks 2u (low nibbles) and
///   2u+1 (high nibbles) in the Q8_0 chunk order, so a mask and a shift give two Q8_0-shaped chunks.
///   A nibble q stands for the weight (q - 8) * d, as in ggml.
/// </summary>
internal static class PackedLayout
{
    public const int GroupRows = 16;

    public const int BlockSize = 32;

    public const int ChunkColumns = 4;

    public const int ChunkBytes = GroupRows * ChunkColumns;

    public const int Q8BlockBytes = BlockSize * GroupRows;

    public const int Q4BlockBytes = Q8BlockBytes / 2;

    public const int Alignment = 64;

    public static bool IsBlockFormat(WeightFormat format) => format is WeightFormat.Q8_0 or WeightFormat.Q4_0;

    public static int GroupCount(int rows) => (rows + GroupRows - 1) / GroupRows;

    /// <summary>Bytes of one group's scale region (block formats).</summary>
    public static int ScaleBytes(int columns) => Align(columns / BlockSize * GroupRows * sizeof(ushort));

    public static long GroupBytes(WeightFormat format, int columns) => format switch
    {
        WeightFormat.Float32 => (long)columns * GroupRows * sizeof(float),
        WeightFormat.Float16 or WeightFormat.BFloat16 => (long)columns * GroupRows * sizeof(ushort),
        WeightFormat.Q8_0 => ScaleBytes(columns) + (long)columns / BlockSize * Q8BlockBytes,
        WeightFormat.Q4_0 => ScaleBytes(columns) + (long)columns / BlockSize * Q4BlockBytes,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown weight format"),
    };

    /// <summary>Byte offset of quant (row in group, column) inside a Q8_0 group's quant region.</summary>
    public static int Q8Offset(int row, int column) =>
        column / BlockSize * Q8BlockBytes + column % BlockSize / ChunkColumns * ChunkBytes + row * ChunkColumns + column % ChunkColumns;

    /// <summary>Byte offset of the nibble holding (row in group, column) in a Q4_0 group's quant region, and whether it is the high nibble.</summary>
    public static (int Offset, bool High) Q4Offset(int row, int column)
    {
        var chunk = column % BlockSize / ChunkColumns;
        return (column / BlockSize * Q4BlockBytes + chunk / 2 * ChunkBytes + row * ChunkColumns + column % ChunkColumns, (chunk & 1) != 0);
    }

    private static int Align(int bytes) => (bytes + Alignment - 1) / Alignment * Alignment;
}
