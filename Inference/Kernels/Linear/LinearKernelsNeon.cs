using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace Qwen3Tts.Inference.Kernels.Linear;

/// <summary>
/// ARM64 block-format kernels: a row group is four 128-bit registers of 4 rows each.
/// <see cref="Q8Dot"/>/<see cref="Q4Dot"/> use SDOT by element (the ARMv8.2 dot-product extension,
/// e.g. RK3588's Cortex-A76/A55): one instruction adds 4 rows x 4 int8 products into 4 int32 lanes,
/// the 4 activations picked from a register by lane index. Without it (ARMv8.0, Cortex-A53/A72)
/// <see cref="Q8"/>/<see cref="Q4"/> use widening multiplies and pairwise adds.
/// The int8 matrix-multiply extension (i8mm, SMMLA) is not exposed by .NET 10, so it is not used.
/// Float formats use <see cref="LinearKernelsGeneric.Portable"/>, which compiles to NEON FMLA.
/// Results equal <see cref="LinearKernelsGeneric.Scalar"/> bit for bit.
/// </summary>
internal static unsafe class LinearKernelsNeon
{
    private const int Rows = PackedLayout.GroupRows;

    public static void Q8Dot(byte* group, int blocks, int scaleBytes, in QuantizedInput x, float* y)
    {
        var quants = (sbyte*)(group + scaleBytes);
        var scales = (ushort*)group;
        var f = new FloatRows();
        for (var b = 0; b < blocks; b++)
        {
            var block = quants + b * PackedLayout.Q8BlockBytes;
            var xb = x.Values + b * PackedLayout.BlockSize;
            Vector128<int> a0 = default, a1 = default, a2 = default, a3 = default;
            for (var half = 0; half < 2; half++)
            {
                var xv = AdvSimd.LoadVector128(xb + half * 16);
                var c = block + half * 4 * PackedLayout.ChunkBytes;
                Chunk(ref a0, ref a1, ref a2, ref a3, c, xv, 0);
                Chunk(ref a0, ref a1, ref a2, ref a3, c + 64, xv, 1);
                Chunk(ref a0, ref a1, ref a2, ref a3, c + 128, xv, 2);
                Chunk(ref a0, ref a1, ref a2, ref a3, c + 192, xv, 3);
            }
            f.Add(a0, a1, a2, a3, scales + b * Rows, x.Scales[b]);
        }
        f.Store(y);
    }

    public static void Q4Dot(byte* group, int blocks, int scaleBytes, in QuantizedInput x, float* y)
    {
        var quants = group + scaleBytes;
        var scales = (ushort*)group;
        var mask = Vector128.Create((byte)0x0f);
        var f = new FloatRows();
        for (var b = 0; b < blocks; b++)
        {
            var block = quants + b * PackedLayout.Q4BlockBytes;
            var xb = x.Values + b * PackedLayout.BlockSize;
            Vector128<int> a0 = default, a1 = default, a2 = default, a3 = default;
            for (var half = 0; half < 2; half++)
            {
                // Units 2*half and 2*half+1 hold chunks 4*half .. 4*half+3, whose activations are xv's 4 lanes.
                var xv = AdvSimd.LoadVector128(xb + half * 16);
                var unit = block + half * 2 * PackedLayout.ChunkBytes;
                Units(ref a0, ref a1, ref a2, ref a3, unit, xv, mask);
            }
            var correction = Vector128.Create(8 * x.Sums[b]);
            f.Add(a0 - correction, a1 - correction, a2 - correction, a3 - correction, scales + b * Rows, x.Scales[b]);
        }
        f.Store(y);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Units(ref Vector128<int> a0, ref Vector128<int> a1, ref Vector128<int> a2, ref Vector128<int> a3, byte* unit, Vector128<sbyte> xv, Vector128<byte> mask)
    {
        // Unit 0: chunk 0 (low nibbles, lane 0) and chunk 1 (high, lane 1); unit 1: chunks 2 and 3.
        var v0 = AdvSimd.LoadVector128(unit);
        var v1 = AdvSimd.LoadVector128(unit + 16);
        var v2 = AdvSimd.LoadVector128(unit + 32);
        var v3 = AdvSimd.LoadVector128(unit + 48);
        a0 = Dp.DotProductBySelectedQuadruplet(a0, (v0 & mask).AsSByte(), xv, 0);
        a1 = Dp.DotProductBySelectedQuadruplet(a1, (v1 & mask).AsSByte(), xv, 0);
        a2 = Dp.DotProductBySelectedQuadruplet(a2, (v2 & mask).AsSByte(), xv, 0);
        a3 = Dp.DotProductBySelectedQuadruplet(a3, (v3 & mask).AsSByte(), xv, 0);
        a0 = Dp.DotProductBySelectedQuadruplet(a0, AdvSimd.ShiftRightLogical(v0, 4).AsSByte(), xv, 1);
        a1 = Dp.DotProductBySelectedQuadruplet(a1, AdvSimd.ShiftRightLogical(v1, 4).AsSByte(), xv, 1);
        a2 = Dp.DotProductBySelectedQuadruplet(a2, AdvSimd.ShiftRightLogical(v2, 4).AsSByte(), xv, 1);
        a3 = Dp.DotProductBySelectedQuadruplet(a3, AdvSimd.ShiftRightLogical(v3, 4).AsSByte(), xv, 1);
        v0 = AdvSimd.LoadVector128(unit + 64);
        v1 = AdvSimd.LoadVector128(unit + 80);
        v2 = AdvSimd.LoadVector128(unit + 96);
        v3 = AdvSimd.LoadVector128(unit + 112);
        a0 = Dp.DotProductBySelectedQuadruplet(a0, (v0 & mask).AsSByte(), xv, 2);
        a1 = Dp.DotProductBySelectedQuadruplet(a1, (v1 & mask).AsSByte(), xv, 2);
        a2 = Dp.DotProductBySelectedQuadruplet(a2, (v2 & mask).AsSByte(), xv, 2);
        a3 = Dp.DotProductBySelectedQuadruplet(a3, (v3 & mask).AsSByte(), xv, 2);
        a0 = Dp.DotProductBySelectedQuadruplet(a0, AdvSimd.ShiftRightLogical(v0, 4).AsSByte(), xv, 3);
        a1 = Dp.DotProductBySelectedQuadruplet(a1, AdvSimd.ShiftRightLogical(v1, 4).AsSByte(), xv, 3);
        a2 = Dp.DotProductBySelectedQuadruplet(a2, AdvSimd.ShiftRightLogical(v2, 4).AsSByte(), xv, 3);
        a3 = Dp.DotProductBySelectedQuadruplet(a3, AdvSimd.ShiftRightLogical(v3, 4).AsSByte(), xv, 3);
    }

    /// <summary>One 4-column chunk of 16 rows; <paramref name="lane"/> selects its 4 activations in xv (a constant at every call).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Chunk(ref Vector128<int> a0, ref Vector128<int> a1, ref Vector128<int> a2, ref Vector128<int> a3, sbyte* chunk, Vector128<sbyte> xv, [ConstantExpected(Max = 3)] byte lane)
    {
        a0 = Dp.DotProductBySelectedQuadruplet(a0, AdvSimd.LoadVector128(chunk), xv, lane);
        a1 = Dp.DotProductBySelectedQuadruplet(a1, AdvSimd.LoadVector128(chunk + 16), xv, lane);
        a2 = Dp.DotProductBySelectedQuadruplet(a2, AdvSimd.LoadVector128(chunk + 32), xv, lane);
        a3 = Dp.DotProductBySelectedQuadruplet(a3, AdvSimd.LoadVector128(chunk + 48), xv, lane);
    }

    public static void Q8(byte* group, int blocks, int scaleBytes, in QuantizedInput x, float* y)
    {
        var quants = (sbyte*)(group + scaleBytes);
        var scales = (ushort*)group;
        var f = new FloatRows();
        for (var b = 0; b < blocks; b++)
        {
            var block = quants + b * PackedLayout.Q8BlockBytes;
            var xb = x.Values + b * PackedLayout.BlockSize;
            var pairs = new PairSums();
            for (var j = 0; j < 8; j++)
            {
                var xq = Vector128.Create(*(int*)(xb + j * 4)).AsSByte();
                var c = block + j * PackedLayout.ChunkBytes;
                pairs.Add(AdvSimd.LoadVector128(c), AdvSimd.LoadVector128(c + 16), AdvSimd.LoadVector128(c + 32), AdvSimd.LoadVector128(c + 48), xq);
            }
            var (s0, s1, s2, s3) = pairs.RowSums();
            f.Add(s0, s1, s2, s3, scales + b * Rows, x.Scales[b]);
        }
        f.Store(y);
    }

    public static void Q4(byte* group, int blocks, int scaleBytes, in QuantizedInput x, float* y)
    {
        var quants = group + scaleBytes;
        var scales = (ushort*)group;
        var mask = Vector128.Create((byte)0x0f);
        var f = new FloatRows();
        for (var b = 0; b < blocks; b++)
        {
            var block = quants + b * PackedLayout.Q4BlockBytes;
            var xb = x.Values + b * PackedLayout.BlockSize;
            var pairs = new PairSums();
            for (var u = 0; u < 4; u++)
            {
                var c = block + u * PackedLayout.ChunkBytes;
                var (v0, v1, v2, v3) = (AdvSimd.LoadVector128(c), AdvSimd.LoadVector128(c + 16), AdvSimd.LoadVector128(c + 32), AdvSimd.LoadVector128(c + 48));
                pairs.Add((v0 & mask).AsSByte(), (v1 & mask).AsSByte(), (v2 & mask).AsSByte(), (v3 & mask).AsSByte(), Vector128.Create(*(int*)(xb + u * 8)).AsSByte());
                pairs.Add(AdvSimd.ShiftRightLogical(v0, 4).AsSByte(), AdvSimd.ShiftRightLogical(v1, 4).AsSByte(),
                    AdvSimd.ShiftRightLogical(v2, 4).AsSByte(), AdvSimd.ShiftRightLogical(v3, 4).AsSByte(), Vector128.Create(*(int*)(xb + u * 8 + 4)).AsSByte());
            }
            var (s0, s1, s2, s3) = pairs.RowSums();
            var correction = Vector128.Create(8 * x.Sums[b]);
            f.Add(s0 - correction, s1 - correction, s2 - correction, s3 - correction, scales + b * Rows, x.Scales[b]);
        }
        f.Store(y);
    }

    /// <summary>
    /// Widening int8 products without SDOT: per 4 rows, smull/smull2 give int16 products and
    /// sadalp adds adjacent pairs into int32 lanes (row r, columns 01 | row r, columns 23); one addp per
    /// block folds the two lanes of each row.
    /// </summary>
    private struct PairSums
    {
        private Vector128<int> _r01a, _r23a, _r01b, _r23b, _r01c, _r23c, _r01d, _r23d;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Add(Vector128<sbyte> w0, Vector128<sbyte> w1, Vector128<sbyte> w2, Vector128<sbyte> w3, Vector128<sbyte> xq)
        {
            var xLow = xq.GetLower();
            _r01a = AdvSimd.AddPairwiseWideningAndAdd(_r01a, AdvSimd.MultiplyWideningLower(w0.GetLower(), xLow));
            _r23a = AdvSimd.AddPairwiseWideningAndAdd(_r23a, AdvSimd.MultiplyWideningUpper(w0, xq));
            _r01b = AdvSimd.AddPairwiseWideningAndAdd(_r01b, AdvSimd.MultiplyWideningLower(w1.GetLower(), xLow));
            _r23b = AdvSimd.AddPairwiseWideningAndAdd(_r23b, AdvSimd.MultiplyWideningUpper(w1, xq));
            _r01c = AdvSimd.AddPairwiseWideningAndAdd(_r01c, AdvSimd.MultiplyWideningLower(w2.GetLower(), xLow));
            _r23c = AdvSimd.AddPairwiseWideningAndAdd(_r23c, AdvSimd.MultiplyWideningUpper(w2, xq));
            _r01d = AdvSimd.AddPairwiseWideningAndAdd(_r01d, AdvSimd.MultiplyWideningLower(w3.GetLower(), xLow));
            _r23d = AdvSimd.AddPairwiseWideningAndAdd(_r23d, AdvSimd.MultiplyWideningUpper(w3, xq));
        }

        public readonly (Vector128<int>, Vector128<int>, Vector128<int>, Vector128<int>) RowSums() => (
            AdvSimd.Arm64.AddPairwise(_r01a, _r23a),
            AdvSimd.Arm64.AddPairwise(_r01b, _r23b),
            AdvSimd.Arm64.AddPairwise(_r01c, _r23c),
            AdvSimd.Arm64.AddPairwise(_r01d, _r23d));
    }

    /// <summary>16 row accumulators of the block float step: f = fma((float)sum, d_w * d_x, f).</summary>
    private struct FloatRows
    {
        private Vector128<float> _a, _b, _c, _d;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Add(Vector128<int> s0, Vector128<int> s1, Vector128<int> s2, Vector128<int> s3, ushort* scales, float activationScale)
        {
            var xs = Vector128.Create(activationScale);
            var (w0, w1) = Vector128.Widen(AdvSimd.LoadVector128(scales));
            var (w2, w3) = Vector128.Widen(AdvSimd.LoadVector128(scales + 8));
            _a = AdvSimd.FusedMultiplyAdd(_a, AdvSimd.ConvertToSingle(s0), HalfBits.HalfToSingle(w0) * xs);
            _b = AdvSimd.FusedMultiplyAdd(_b, AdvSimd.ConvertToSingle(s1), HalfBits.HalfToSingle(w1) * xs);
            _c = AdvSimd.FusedMultiplyAdd(_c, AdvSimd.ConvertToSingle(s2), HalfBits.HalfToSingle(w2) * xs);
            _d = AdvSimd.FusedMultiplyAdd(_d, AdvSimd.ConvertToSingle(s3), HalfBits.HalfToSingle(w3) * xs);
        }

        public readonly void Store(float* y)
        {
            AdvSimd.Store(y, _a);
            AdvSimd.Store(y + 4, _b);
            AdvSimd.Store(y + 8, _c);
            AdvSimd.Store(y + 12, _d);
        }
    }
}
