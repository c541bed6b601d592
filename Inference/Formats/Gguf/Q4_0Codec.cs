using System.Buffers.Binary;

namespace Qwen3Tts.Inference.Formats.Gguf;

/// <summary>
/// ggml Q4_0: blocks of 32 weights, 18 bytes: an f16 scale d = max/-8 (max = the weight with the largest
/// magnitude, sign kept), then 16 bytes where byte j holds weight j in its low nibble and weight j+16 in
/// its high nibble. A nibble q decodes to (q - 8) * d.
/// </summary>
internal static class Q4_0Codec
{
    public const int BlockSize = 32;
    public const int BlockBytes = 18;

    public static void Dequantize(ReadOnlySpan<byte> src, Span<float> dst)
    {
        var blocks = dst.Length / BlockSize;
        for (var b = 0; b < blocks; b++)
        {
            var block = src.Slice(b * BlockBytes, BlockBytes);
            var d = (float)BinaryPrimitives.ReadHalfLittleEndian(block);
            var output = dst.Slice(b * BlockSize, BlockSize);
            for (var j = 0; j < BlockSize / 2; j++)
            {
                var packed = block[2 + j];
                output[j] = ((packed & 0x0f) - 8) * d;
                output[j + BlockSize / 2] = ((packed >> 4) - 8) * d;
            }
        }
    }

    public static void Quantize(ReadOnlySpan<float> src, Span<byte> dst)
    {
        var blocks = src.Length / BlockSize;
        for (var b = 0; b < blocks; b++)
        {
            var x = src.Slice(b * BlockSize, BlockSize);
            var block = dst.Slice(b * BlockBytes, BlockBytes);

            var amax = 0f;
            var max = 0f;
            foreach (var v in x)
            {
                if (amax < MathF.Abs(v))
                {
                    amax = MathF.Abs(v);
                    max = v;
                }
            }

            var d = max / -8f;
            var id = d != 0f ? 1f / d : 0f;
            BinaryPrimitives.WriteHalfLittleEndian(block, (Half)d);
            for (var j = 0; j < BlockSize / 2; j++)
            {
                var lo = Nibble(x[j] * id);
                var hi = Nibble(x[j + BlockSize / 2] * id);
                block[2 + j] = (byte)(lo | (hi << 4));
            }
        }
    }

    // x*id lies in [-8, 8]; +8.5 then truncation rounds to the nearest level, and 16 clamps to 15.
    private static int Nibble(float scaled) => Math.Clamp((int)(scaled + 8.5f), 0, 15);
}
