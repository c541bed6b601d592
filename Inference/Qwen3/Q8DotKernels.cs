using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Qwen3Tts.Inference.Qwen3;

/// <summary>
/// Dot product of one Q8_0 weight row with one Q8_0-quantized activation vector, the way ggml's
/// vec_dot_q8_0_q8_0 does it: an exact int32 sum per 32-wide block, scaled by d_w * d_x.
/// Each path only changes how the int32 block sum is computed; the float accumulation over blocks
/// is the same sequential loop everywhere, so all paths return bit-identical floats.
/// </summary>
internal static class Q8DotKernels
{
    private const int Block = Q8Blocks.BlockSize;

    public static Q8DotPath Best { get; } =
        Avx2.IsSupported ? Q8DotPath.Avx2
        : AdvSimd.Arm64.IsSupported ? Q8DotPath.Arm64
        : Vector128.IsHardwareAccelerated ? Q8DotPath.Portable
        : Q8DotPath.Scalar;

    public static bool IsSupported(Q8DotPath path) => path switch
    {
        Q8DotPath.Auto or Q8DotPath.Portable or Q8DotPath.Scalar => true,
        Q8DotPath.Avx2 => Avx2.IsSupported,
        Q8DotPath.Arm64 => AdvSimd.Arm64.IsSupported,
        _ => false,
    };

    /// <summary>
    /// Σ_b blockSum_b * (wScales[b] * xScales[b]). <paramref name="weights"/> and <paramref name="activations"/>
    /// hold blocks*32 int8 values; the activations must lie in [-127, 127] (the quantizer guarantees it).
    /// </summary>
    public static float Dot(
        ReadOnlySpan<sbyte> weights, ReadOnlySpan<float> weightScales,
        ReadOnlySpan<sbyte> activations, ReadOnlySpan<float> activationScales,
        Q8DotPath path)
    {
        var blocks = weightScales.Length;
        ref var w = ref MemoryMarshal.GetReference(weights);
        ref var x = ref MemoryMarshal.GetReference(activations);
        var sum = 0f;
        switch (path == Q8DotPath.Auto ? Best : path)
        {
            case Q8DotPath.Avx2:
                for (var b = 0; b < blocks; b++)
                {
                    sum += BlockSumAvx2(ref w, ref x, (nuint)(b * Block)) * (weightScales[b] * activationScales[b]);
                }
                break;
            case Q8DotPath.Arm64:
                for (var b = 0; b < blocks; b++)
                {
                    sum += BlockSumArm64(ref w, ref x, (nuint)(b * Block)) * (weightScales[b] * activationScales[b]);
                }
                break;
            case Q8DotPath.Portable:
                for (var b = 0; b < blocks; b++)
                {
                    sum += BlockSumPortable(ref w, ref x, (nuint)(b * Block)) * (weightScales[b] * activationScales[b]);
                }
                break;
            default:
                for (var b = 0; b < blocks; b++)
                {
                    sum += BlockSumScalar(weights.Slice(b * Block, Block), activations.Slice(b * Block, Block)) * (weightScales[b] * activationScales[b]);
                }
                break;
        }
        return sum;
    }

    /// <summary>The int32 sum of one block; exposed so tests can compare paths block by block.</summary>
    internal static int BlockSum(ReadOnlySpan<sbyte> w, ReadOnlySpan<sbyte> x, Q8DotPath path)
    {
        ref var wr = ref MemoryMarshal.GetReference(w);
        ref var xr = ref MemoryMarshal.GetReference(x);
        return (path == Q8DotPath.Auto ? Best : path) switch
        {
            Q8DotPath.Avx2 => BlockSumAvx2(ref wr, ref xr, 0),
            Q8DotPath.Arm64 => BlockSumArm64(ref wr, ref xr, 0),
            Q8DotPath.Portable => BlockSumPortable(ref wr, ref xr, 0),
            _ => BlockSumScalar(w[..Block], x[..Block]),
        };
    }

    private static int BlockSumScalar(ReadOnlySpan<sbyte> w, ReadOnlySpan<sbyte> x)
    {
        var s = 0;
        for (var j = 0; j < Block; j++)
        {
            s += w[j] * x[j];
        }
        return s;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int BlockSumAvx2(ref sbyte w, ref sbyte x, nuint offset)
    {
        if (!Avx2.IsSupported)
        {
            throw new PlatformNotSupportedException("AVX2 Q8_0 kernel requested on a CPU without AVX2.");
        }
        var wv = Vector256.LoadUnsafe(ref w, offset);
        var xv = Vector256.LoadUnsafe(ref x, offset);
        // vpmaddubsw needs one unsigned operand: move w's sign onto x so |w| * (x * sign w) = w * x.
        // Pair sums stay below 2 * 128 * 127 = 32512, so the int16 saturation never triggers.
        var pairs = Avx2.MultiplyAddAdjacent(Avx2.Abs(wv), Avx2.Sign(xv, wv));
        var quads = Avx2.MultiplyAddAdjacent(pairs, Vector256<short>.One);
        return Vector256.Sum(quads);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int BlockSumArm64(ref sbyte w, ref sbyte x, nuint offset)
    {
        if (!AdvSimd.Arm64.IsSupported)
        {
            throw new PlatformNotSupportedException("ARM64 Q8_0 kernel requested on a CPU without AdvSimd.");
        }
        var w0 = Vector128.LoadUnsafe(ref w, offset);
        var w1 = Vector128.LoadUnsafe(ref w, offset + 16);
        var x0 = Vector128.LoadUnsafe(ref x, offset);
        var x1 = Vector128.LoadUnsafe(ref x, offset + 16);
        Vector128<int> acc;
        if (Dp.IsSupported)
        {
            acc = Dp.DotProduct(Vector128<int>.Zero, w0, x0);
            acc = Dp.DotProduct(acc, w1, x1);
        }
        else
        {
            acc = AdvSimd.AddPairwiseWidening(AdvSimd.MultiplyWideningLower(w0.GetLower(), x0.GetLower()));
            acc = AdvSimd.AddPairwiseWideningAndAdd(acc, AdvSimd.MultiplyWideningUpper(w0, x0));
            acc = AdvSimd.AddPairwiseWideningAndAdd(acc, AdvSimd.MultiplyWideningLower(w1.GetLower(), x1.GetLower()));
            acc = AdvSimd.AddPairwiseWideningAndAdd(acc, AdvSimd.MultiplyWideningUpper(w1, x1));
        }
        return AdvSimd.Arm64.AddAcross(acc).ToScalar();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int BlockSumPortable(ref sbyte w, ref sbyte x, nuint offset)
    {
        var acc = Vector128<int>.Zero;
        for (nuint half = 0; half < Block; half += 16)
        {
            var (wLo, wHi) = Vector128.Widen(Vector128.LoadUnsafe(ref w, offset + half));
            var (xLo, xHi) = Vector128.Widen(Vector128.LoadUnsafe(ref x, offset + half));
            // |w * x| <= 128 * 127 fits int16; widen before summing so the sum cannot overflow.
            var (p0, p1) = Vector128.Widen(wLo * xLo);
            var (p2, p3) = Vector128.Widen(wHi * xHi);
            acc += (p0 + p1) + (p2 + p3);
        }
        return Vector128.Sum(acc);
    }
}
