using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Qwen3Tts.Inference.Qwen3;

/// <summary>
/// Dot product of one Q8_0 weight row with one Q8_0-quantized activation vector, the way ggml's
/// vec_dot_q8_0_q8_0 does it: an exact int32 sum per 32-wide block, scaled by d_w * d_x.
/// Block sums are exact integers on every path, and the float accumulation over blocks follows one
/// fixed order everywhere (see <see cref="Dot"/>), so all paths return bit-identical floats.
/// </summary>
internal static class Q8DotKernels
{
    private const int Block = Q8Blocks.BlockSize;

    public static Q8DotPath Best { get; } =
        AvxVnni.IsSupported ? Q8DotPath.AvxVnni
        : Avx2.IsSupported ? Q8DotPath.Avx2
        : AdvSimd.Arm64.IsSupported ? Q8DotPath.Arm64
        : Vector128.IsHardwareAccelerated ? Q8DotPath.Portable
        : Q8DotPath.Scalar;

    public static bool IsSupported(Q8DotPath path) => path switch
    {
        Q8DotPath.Auto or Q8DotPath.Portable or Q8DotPath.Scalar => true,
        Q8DotPath.Avx2 => Avx2.IsSupported,
        Q8DotPath.AvxVnni => AvxVnni.IsSupported,
        Q8DotPath.Arm64 => AdvSimd.Arm64.IsSupported,
        _ => false,
    };

    /// <summary>
    /// Σ_b blockSum_b * (wScales[b] * xScales[b]). <paramref name="weights"/> and <paramref name="activations"/>
    /// hold blocks*32 int8 values; the activations must lie in [-127, 127] (the quantizer guarantees it).
    /// The float sum has one fixed order for every path: block b goes to partial sum b % 8, and the
    /// 8 partial sums are reduced as ((p0+p4)+(p1+p5)) + ((p2+p6)+(p3+p7)). That order lets AVX2 keep
    /// 8 blocks in one register instead of reducing each block horizontally.
    /// </summary>
    public static float Dot(
        ReadOnlySpan<sbyte> weights, ReadOnlySpan<float> weightScales,
        ReadOnlySpan<sbyte> activations, ReadOnlySpan<float> activationScales,
        Q8DotPath path)
    {
        var blocks = weightScales.Length;
        ref var w = ref MemoryMarshal.GetReference(weights);
        ref var x = ref MemoryMarshal.GetReference(activations);
        Span<float> lanes = stackalloc float[Lanes];
        lanes.Clear();
        var b = 0;
        path = path == Q8DotPath.Auto ? Best : path;
        switch (path)
        {
            case Q8DotPath.Avx2:
            case Q8DotPath.AvxVnni:
                var vnni = path == Q8DotPath.AvxVnni;
                b = EightBlocksAvx2(ref w, ref x, weightScales, activationScales, lanes, vnni);
                for (; b < blocks; b++)
                {
                    lanes[b & (Lanes - 1)] += BlockSumAvx2(ref w, ref x, (nuint)(b * Block), vnni) * (weightScales[b] * activationScales[b]);
                }
                break;
            case Q8DotPath.Arm64:
                for (; b < blocks; b++)
                {
                    lanes[b & (Lanes - 1)] += BlockSumArm64(ref w, ref x, (nuint)(b * Block)) * (weightScales[b] * activationScales[b]);
                }
                break;
            case Q8DotPath.Portable:
                for (; b < blocks; b++)
                {
                    lanes[b & (Lanes - 1)] += BlockSumPortable(ref w, ref x, (nuint)(b * Block)) * (weightScales[b] * activationScales[b]);
                }
                break;
            default:
                for (; b < blocks; b++)
                {
                    lanes[b & (Lanes - 1)] += BlockSumScalar(weights.Slice(b * Block, Block), activations.Slice(b * Block, Block)) * (weightScales[b] * activationScales[b]);
                }
                break;
        }
        return ((lanes[0] + lanes[4]) + (lanes[1] + lanes[5])) + ((lanes[2] + lanes[6]) + (lanes[3] + lanes[7]));
    }

    private const int Lanes = 8;

    /// <summary>
    /// Whole groups of 8 blocks: 8 block sums are folded into one vector with horizontal adds, then
    /// scaled and added lane-wise (a separate multiply and add, exactly like the scalar order).
    /// Returns the first block not yet processed.
    /// </summary>
    private static int EightBlocksAvx2(ref sbyte w, ref sbyte x, ReadOnlySpan<float> weightScales, ReadOnlySpan<float> activationScales, Span<float> lanes, bool vnni)
    {
        if (!Avx2.IsSupported || (vnni && !AvxVnni.IsSupported))
        {
            throw new PlatformNotSupportedException("AVX2/AVX-VNNI Q8_0 kernel requested on a CPU without it.");
        }
        var groups = weightScales.Length / Lanes;
        var acc = Vector256<float>.Zero;
        ref var ws = ref MemoryMarshal.GetReference(weightScales);
        ref var xs = ref MemoryMarshal.GetReference(activationScales);
        for (var g = 0; g < groups; g++)
        {
            var offset = (nuint)(g * Lanes * Block);
            var h01 = Avx2.HorizontalAdd(QuadsAvx2(ref w, ref x, offset, vnni), QuadsAvx2(ref w, ref x, offset + Block, vnni));
            var h23 = Avx2.HorizontalAdd(QuadsAvx2(ref w, ref x, offset + 2 * Block, vnni), QuadsAvx2(ref w, ref x, offset + 3 * Block, vnni));
            var h45 = Avx2.HorizontalAdd(QuadsAvx2(ref w, ref x, offset + 4 * Block, vnni), QuadsAvx2(ref w, ref x, offset + 5 * Block, vnni));
            var h67 = Avx2.HorizontalAdd(QuadsAvx2(ref w, ref x, offset + 6 * Block, vnni), QuadsAvx2(ref w, ref x, offset + 7 * Block, vnni));
            // [b0..b3 low halves | b0..b3 high halves] and the same for b4..b7.
            var h0123 = Avx2.HorizontalAdd(h01, h23);
            var h4567 = Avx2.HorizontalAdd(h45, h67);
            var sums = Avx2.Add(Avx2.Permute2x128(h0123, h4567, 0x20), Avx2.Permute2x128(h0123, h4567, 0x31));
            var scales = Vector256.LoadUnsafe(ref ws, (nuint)(g * Lanes)) * Vector256.LoadUnsafe(ref xs, (nuint)(g * Lanes));
            acc = Avx.Add(acc, Avx.Multiply(Avx.ConvertToVector256Single(sums), scales));
        }
        acc.CopyTo(lanes);
        return groups * Lanes;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> QuadsAvx2(ref sbyte w, ref sbyte x, nuint offset, bool vnni)
    {
        var wv = Vector256.LoadUnsafe(ref w, offset);
        var xv = Vector256.LoadUnsafe(ref x, offset);
        // vpmaddubsw/vpdpbusd need one unsigned operand: move w's sign onto x so |w| * (x * sign w) = w * x.
        var magnitude = Avx2.Abs(wv);
        var signed = Avx2.Sign(xv, wv);
        if (vnni)
        {
            // One instruction for the 4-product int32 sums, with no int16 intermediate at all.
            return AvxVnni.MultiplyWideningAndAdd(Vector256<int>.Zero, magnitude, signed);
        }
        // Pair sums stay below 2 * 128 * 127 = 32512, so the int16 saturation never triggers.
        var pairs = Avx2.MultiplyAddAdjacent(magnitude, signed);
        return Avx2.MultiplyAddAdjacent(pairs, Vector256<short>.One);
    }

    /// <summary>The int32 sum of one block; exposed so tests can compare paths block by block.</summary>
    internal static int BlockSum(ReadOnlySpan<sbyte> w, ReadOnlySpan<sbyte> x, Q8DotPath path)
    {
        ref var wr = ref MemoryMarshal.GetReference(w);
        ref var xr = ref MemoryMarshal.GetReference(x);
        return (path == Q8DotPath.Auto ? Best : path) switch
        {
            Q8DotPath.Avx2 => BlockSumAvx2(ref wr, ref xr, 0, vnni: false),
            Q8DotPath.AvxVnni => BlockSumAvx2(ref wr, ref xr, 0, vnni: true),
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
    private static int BlockSumAvx2(ref sbyte w, ref sbyte x, nuint offset, bool vnni)
    {
        if (!Avx2.IsSupported || (vnni && !AvxVnni.IsSupported))
        {
            throw new PlatformNotSupportedException("AVX2/AVX-VNNI Q8_0 kernel requested on a CPU without it.");
        }
        return Vector256.Sum(QuadsAvx2(ref w, ref x, offset, vnni));
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
