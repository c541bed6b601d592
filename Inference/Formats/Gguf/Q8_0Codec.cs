using System.Buffers.Binary;
using System.Runtime.Intrinsics;

namespace Qwen3Tts.Inference.Formats.Gguf;

/// <summary>
/// ggml Q8_0: blocks of 32 weights, 34 bytes: an f16 scale d = amax/127, then 32 int8 q = round(x/d).
/// </summary>
internal static class Q8_0Codec
{
    public const int BlockSize = 32;
    public const int BlockBytes = 34;

    public static void Dequantize(ReadOnlySpan<byte> src, Span<float> dst)
    {
        var blocks = dst.Length / BlockSize;
        for (var b = 0; b < blocks; b++)
        {
            var block = src.Slice(b * BlockBytes, BlockBytes);
            var d = (float)BinaryPrimitives.ReadHalfLittleEndian(block);
            var q = block[2..];
            var output = dst.Slice(b * BlockSize, BlockSize);
            if (Vector128.IsHardwareAccelerated)
            {
                DequantizeBlockVector(q, d, output);
            }
            else
            {
                for (var j = 0; j < BlockSize; j++)
                {
                    output[j] = (sbyte)q[j] * d;
                }
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
            foreach (var v in x)
            {
                amax = MathF.Max(amax, MathF.Abs(v));
            }

            // ggml multiplies by the reciprocal rather than dividing; keep that for bit-exact output.
            var d = amax / 127f;
            var id = d != 0f ? 1f / d : 0f;
            BinaryPrimitives.WriteHalfLittleEndian(block, (Half)d);
            for (var j = 0; j < BlockSize; j++)
            {
                block[2 + j] = (byte)(sbyte)MathF.Round(x[j] * id, MidpointRounding.AwayFromZero);
            }
        }
    }

    private static void DequantizeBlockVector(ReadOnlySpan<byte> q, float d, Span<float> output)
    {
        var scale = Vector128.Create(d);
        for (var half = 0; half < 2; half++)
        {
            var bytes = Vector128.Create(q.Slice(half * 16, 16)).AsSByte();
            var (lo16, hi16) = Vector128.Widen(bytes);
            Store(lo16, scale, output.Slice(half * 16, 8));
            Store(hi16, scale, output.Slice(half * 16 + 8, 8));
        }
    }

    private static void Store(Vector128<short> values, Vector128<float> scale, Span<float> output)
    {
        var (lo, hi) = Vector128.Widen(values);
        (Vector128.ConvertToSingle(lo) * scale).CopyTo(output);
        (Vector128.ConvertToSingle(hi) * scale).CopyTo(output[4..]);
    }
}
