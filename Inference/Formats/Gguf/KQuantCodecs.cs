using System.Buffers.Binary;

namespace Qwen3Tts.Inference.Formats.Gguf;

/// <summary>
/// ggml "k-quants" Q4_K, Q5_K and Q6_K (read only): super-blocks of 256 weights split into sub-blocks,
/// each with its own quantized scale (and minimum for Q4_K/Q5_K). These appear in llama.cpp's
/// Q4_K_M / Q5_K_M files, so a user pointing us at one gets working weights instead of an error.
/// </summary>
internal static class KQuantCodecs
{
    public const int BlockSize = 256;

    /// <summary>Q4_K: f16 d, f16 dmin, 12 bytes of 6-bit scales/mins, 128 bytes of nibbles (144 bytes).</summary>
    public static void DequantizeQ4_K(ReadOnlySpan<byte> src, Span<float> dst)
    {
        const int blockBytes = 144;
        for (var b = 0; b < dst.Length / BlockSize; b++)
        {
            var block = src.Slice(b * blockBytes, blockBytes);
            var d = (float)BinaryPrimitives.ReadHalfLittleEndian(block);
            var dmin = (float)BinaryPrimitives.ReadHalfLittleEndian(block[2..]);
            var scales = block.Slice(4, 12);
            var qs = block[16..];
            var output = dst.Slice(b * BlockSize, BlockSize);
            for (var group = 0; group < 4; group++)
            {
                var (sc1, m1) = ScaleMin(2 * group, scales);
                var (sc2, m2) = ScaleMin(2 * group + 1, scales);
                float d1 = d * sc1, min1 = dmin * m1, d2 = d * sc2, min2 = dmin * m2;
                var q = qs.Slice(32 * group, 32);
                var y = output.Slice(64 * group, 64);
                for (var l = 0; l < 32; l++)
                {
                    y[l] = d1 * (q[l] & 0x0f) - min1;
                    y[l + 32] = d2 * (q[l] >> 4) - min2;
                }
            }
        }
    }

    /// <summary>Q5_K: Q4_K plus 32 bytes of fifth bits (176 bytes).</summary>
    public static void DequantizeQ5_K(ReadOnlySpan<byte> src, Span<float> dst)
    {
        const int blockBytes = 176;
        for (var b = 0; b < dst.Length / BlockSize; b++)
        {
            var block = src.Slice(b * blockBytes, blockBytes);
            var d = (float)BinaryPrimitives.ReadHalfLittleEndian(block);
            var dmin = (float)BinaryPrimitives.ReadHalfLittleEndian(block[2..]);
            var scales = block.Slice(4, 12);
            var qh = block.Slice(16, 32);
            var qs = block[48..];
            var output = dst.Slice(b * BlockSize, BlockSize);
            for (var group = 0; group < 4; group++)
            {
                var (sc1, m1) = ScaleMin(2 * group, scales);
                var (sc2, m2) = ScaleMin(2 * group + 1, scales);
                float d1 = d * sc1, min1 = dmin * m1, d2 = d * sc2, min2 = dmin * m2;
                var lowBit = 1 << (2 * group);
                var highBit = 2 << (2 * group);
                var q = qs.Slice(32 * group, 32);
                var y = output.Slice(64 * group, 64);
                for (var l = 0; l < 32; l++)
                {
                    y[l] = d1 * ((q[l] & 0x0f) + ((qh[l] & lowBit) != 0 ? 16 : 0)) - min1;
                    y[l + 32] = d2 * ((q[l] >> 4) + ((qh[l] & highBit) != 0 ? 16 : 0)) - min2;
                }
            }
        }
    }

    /// <summary>Q6_K: 128 bytes low nibbles, 64 bytes high 2-bit pairs, 16 int8 scales, f16 d (210 bytes).</summary>
    public static void DequantizeQ6_K(ReadOnlySpan<byte> src, Span<float> dst)
    {
        const int blockBytes = 210;
        for (var b = 0; b < dst.Length / BlockSize; b++)
        {
            var block = src.Slice(b * blockBytes, blockBytes);
            var d = (float)BinaryPrimitives.ReadHalfLittleEndian(block[208..]);
            var output = dst.Slice(b * BlockSize, BlockSize);
            for (var half = 0; half < 2; half++)
            {
                var ql = block.Slice(64 * half, 64);
                var qh = block.Slice(128 + 32 * half, 32);
                var sc = block.Slice(192 + 8 * half, 8);
                var y = output.Slice(128 * half, 128);
                for (var l = 0; l < 32; l++)
                {
                    var s = l / 16;
                    var q1 = ((ql[l] & 0x0f) | ((qh[l] & 3) << 4)) - 32;
                    var q2 = ((ql[l + 32] & 0x0f) | (((qh[l] >> 2) & 3) << 4)) - 32;
                    var q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
                    var q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
                    y[l] = d * (sbyte)sc[s] * q1;
                    y[l + 32] = d * (sbyte)sc[s + 2] * q2;
                    y[l + 64] = d * (sbyte)sc[s + 4] * q3;
                    y[l + 96] = d * (sbyte)sc[s + 6] * q4;
                }
            }
        }
    }

    /// <summary>Unpacks the j-th 6-bit scale and minimum from the 12-byte packed table.</summary>
    private static (int Scale, int Min) ScaleMin(int j, ReadOnlySpan<byte> packed) =>
        j < 4
            ? (packed[j] & 63, packed[j + 4] & 63)
            : ((packed[j + 4] & 0x0f) | ((packed[j - 4] >> 6) << 4), (packed[j + 4] >> 4) | ((packed[j] >> 6) << 4));
}
