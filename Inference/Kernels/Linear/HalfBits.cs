using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Qwen3Tts.Inference.Kernels.Linear;

/// <summary>
/// IEEE half and bfloat16 bit patterns to f32, exactly as <c>(float)Half</c> does for every finite value.
/// The vector forms use one trick on every width: shift the half's exponent and mantissa into f32
/// position and multiply by 2^112, which re-biases the exponent exactly and turns half subnormals into
/// f32 normals. Infinities and NaNs are not handled: the packer rejects them when the matrix is built.
/// </summary>
internal static class HalfBits
{
    private const float ExponentRebias = 5.192297e33f; // 2^112

    public static float HalfToSingle(ushort bits) => (float)BitConverter.UInt16BitsToHalf(bits);

    public static float BFloat16ToSingle(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);

    public static bool IsFiniteHalf(ushort bits) => (bits & 0x7c00) != 0x7c00;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> HalfToSingle(Vector128<uint> bits)
    {
        var magnitude = Vector128.ShiftLeft(bits & Vector128.Create(0x7fffu), 13).AsSingle() * Vector128.Create(ExponentRebias);
        return (magnitude.AsUInt32() | Vector128.ShiftLeft(bits & Vector128.Create(0x8000u), 16)).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> HalfToSingle(Vector256<uint> bits)
    {
        var magnitude = Vector256.ShiftLeft(bits & Vector256.Create(0x7fffu), 13).AsSingle() * Vector256.Create(ExponentRebias);
        return (magnitude.AsUInt32() | Vector256.ShiftLeft(bits & Vector256.Create(0x8000u), 16)).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> HalfToSingle(Vector512<uint> bits)
    {
        var magnitude = Vector512.ShiftLeft(bits & Vector512.Create(0x7fffu), 13).AsSingle() * Vector512.Create(ExponentRebias);
        return (magnitude.AsUInt32() | Vector512.ShiftLeft(bits & Vector512.Create(0x8000u), 16)).AsSingle();
    }
}
