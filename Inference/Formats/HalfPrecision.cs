using System.Buffers.Binary;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Qwen3Tts.Inference.Formats;

/// <summary>Little-endian f16 / bf16 / f64 to and from f32, shared by every format.</summary>
internal static class HalfPrecision
{
    public static void F16ToF32(ReadOnlySpan<byte> src, Span<float> dst)
    {
        if (BitConverter.IsLittleEndian)
        {
            TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<byte, Half>(src)[..dst.Length], dst);
            return;
        }

        for (var i = 0; i < dst.Length; i++)
        {
            dst[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(src[(2 * i)..]);
        }
    }

    public static void F32ToF16(ReadOnlySpan<float> src, Span<byte> dst)
    {
        if (BitConverter.IsLittleEndian)
        {
            TensorPrimitives.ConvertToHalf(src, MemoryMarshal.Cast<byte, Half>(dst)[..src.Length]);
            return;
        }

        for (var i = 0; i < src.Length; i++)
        {
            BinaryPrimitives.WriteHalfLittleEndian(dst[(2 * i)..], (Half)src[i]);
        }
    }

    public static float BF16ToF32(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);

    /// <summary>Round to nearest even, as ggml and PyTorch do; NaN stays a quiet NaN.</summary>
    public static ushort F32ToBF16(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        if ((bits & 0x7fffffff) > 0x7f800000)
        {
            return (ushort)((bits >> 16) | 64);
        }

        return (ushort)((bits + 0x7fff + ((bits >> 16) & 1)) >> 16);
    }

    public static void BF16ToF32(ReadOnlySpan<byte> src, Span<float> dst)
    {
        var i = 0;
        if (Vector128.IsHardwareAccelerated && BitConverter.IsLittleEndian)
        {
            // bf16 is the upper half of an f32: widen each u16 to u32 and shift it into place.
            var bits = MemoryMarshal.Cast<byte, ushort>(src);
            for (; i <= dst.Length - 8; i += 8)
            {
                var (lo, hi) = Vector128.Widen(Vector128.Create(bits.Slice(i, 8)));
                Vector128.ShiftLeft(lo, 16).AsSingle().CopyTo(dst[i..]);
                Vector128.ShiftLeft(hi, 16).AsSingle().CopyTo(dst[(i + 4)..]);
            }
        }

        for (; i < dst.Length; i++)
        {
            dst[i] = BF16ToF32(BinaryPrimitives.ReadUInt16LittleEndian(src[(2 * i)..]));
        }
    }

    public static void F32ToBF16(ReadOnlySpan<float> src, Span<byte> dst)
    {
        for (var i = 0; i < src.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(dst[(2 * i)..], F32ToBF16(src[i]));
        }
    }

    public static void F32FromBytes(ReadOnlySpan<byte> src, Span<float> dst)
    {
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.Cast<byte, float>(src)[..dst.Length].CopyTo(dst);
            return;
        }

        for (var i = 0; i < dst.Length; i++)
        {
            dst[i] = BinaryPrimitives.ReadSingleLittleEndian(src[(4 * i)..]);
        }
    }

    public static void F32ToBytes(ReadOnlySpan<float> src, Span<byte> dst)
    {
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(src).CopyTo(dst);
            return;
        }

        for (var i = 0; i < src.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(dst[(4 * i)..], src[i]);
        }
    }

    public static void F64ToF32(ReadOnlySpan<byte> src, Span<float> dst)
    {
        for (var i = 0; i < dst.Length; i++)
        {
            dst[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(src[(8 * i)..]);
        }
    }
}
