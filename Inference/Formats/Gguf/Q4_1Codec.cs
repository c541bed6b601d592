using System.Buffers.Binary;

namespace Qwen3Tts.Inference.Formats.Gguf;

/// <summary>
/// ggml Q4_1 (read only): blocks of 32 weights, 20 bytes: f16 scale d, f16 minimum m, then 16 bytes of
/// nibbles laid out like Q4_0. A nibble q decodes to q * d + m.
/// </summary>
internal static class Q4_1Codec
{
    public const int BlockSize = 32;
    public const int BlockBytes = 20;

    public static void Dequantize(ReadOnlySpan<byte> src, Span<float> dst)
    {
        for (var b = 0; b < dst.Length / BlockSize; b++)
        {
            var block = src.Slice(b * BlockBytes, BlockBytes);
            var d = (float)BinaryPrimitives.ReadHalfLittleEndian(block);
            var m = (float)BinaryPrimitives.ReadHalfLittleEndian(block[2..]);
            var output = dst.Slice(b * BlockSize, BlockSize);
            for (var j = 0; j < BlockSize / 2; j++)
            {
                var packed = block[4 + j];
                output[j] = (packed & 0x0f) * d + m;
                output[j + BlockSize / 2] = (packed >> 4) * d + m;
            }
        }
    }
}
