using System.Buffers.Binary;

namespace Qwen3Tts.Inference.Formats.Gguf;

/// <summary>
/// ggml Q5_0 and Q5_1 (read only): like Q4_0 / Q4_1 with a fifth bit per weight kept in a 32-bit mask
/// (bit j for weight j). Q5_0: 22 bytes, decodes to (q - 16) * d. Q5_1: 24 bytes, decodes to q * d + m.
/// </summary>
internal static class Q5Codecs
{
    public const int BlockSize = 32;

    public static void Dequantize5_0(ReadOnlySpan<byte> src, Span<float> dst) => Dequantize(src, dst, hasMinimum: false);

    public static void Dequantize5_1(ReadOnlySpan<byte> src, Span<float> dst) => Dequantize(src, dst, hasMinimum: true);

    private static void Dequantize(ReadOnlySpan<byte> src, Span<float> dst, bool hasMinimum)
    {
        var headerBytes = hasMinimum ? 4 : 2;
        var blockBytes = headerBytes + 4 + 16;
        for (var b = 0; b < dst.Length / BlockSize; b++)
        {
            var block = src.Slice(b * blockBytes, blockBytes);
            var d = (float)BinaryPrimitives.ReadHalfLittleEndian(block);
            var m = hasMinimum ? (float)BinaryPrimitives.ReadHalfLittleEndian(block[2..]) : 0f;
            var high = BinaryPrimitives.ReadUInt32LittleEndian(block[headerBytes..]);
            var qs = block[(headerBytes + 4)..];
            var output = dst.Slice(b * BlockSize, BlockSize);
            for (var j = 0; j < BlockSize / 2; j++)
            {
                var q0 = (qs[j] & 0x0f) | (int)(((high >> j) & 1) << 4);
                var q1 = (qs[j] >> 4) | (int)(((high >> (j + 16)) & 1) << 4);
                if (hasMinimum)
                {
                    output[j] = q0 * d + m;
                    output[j + 16] = q1 * d + m;
                }
                else
                {
                    output[j] = (q0 - 16) * d;
                    output[j + 16] = (q1 - 16) * d;
                }
            }
        }
    }
}
