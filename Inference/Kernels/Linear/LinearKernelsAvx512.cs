using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Qwen3Tts.Inference.Kernels.Linear;

/// <summary>
/// x86 AVX-512 (F + BW) kernels: a row group is one 512-bit register.
/// .NET 10 exposes no 512-bit VNNI (vpdpbusd zmm arrives as AvxVnni.V512 in .NET 11, and AvxVnni here
/// is the VEX encoding, which AVX-512 VNNI CPUs such as AMD Zen 4 do not report), and AVX-512 has no
/// vpsignb for the sign trick. So Q8_0 multiplies in 16 bits: weights sign-extended (vpmovsxbw),
/// activations pre-widened once per product, vpmaddwd into pair sums, two permutes per block fold the
/// pairs into one sum per row. Q4_0 nibbles are unsigned, so they use vpmaddubsw directly.
/// Results equal <see cref="LinearKernelsGeneric.Scalar"/> bit for bit.
/// </summary>
internal static unsafe partial class LinearKernelsAvx512
{
    private const int Rows = PackedLayout.GroupRows;

    public static void Q8(byte* group, int blocks, int scaleBytes, in QuantizedInput x, float* y)
    {
        var quants = (sbyte*)(group + scaleBytes);
        var scales = (ushort*)group;
        var even = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
        var odd = Vector512.Create(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
        var f = Vector512<float>.Zero;
        for (var b = 0; b < blocks; b++)
        {
            var block = quants + b * PackedLayout.Q8BlockBytes;
            var xb = x.Wide + b * PackedLayout.BlockSize;
            X86Prefetch.Ahead((byte*)block, PackedLayout.Q8BlockBytes / 64);
            // Lane 2r holds row r's products of columns 4j, 4j+1; lane 2r+1 those of 4j+2, 4j+3.
            Vector512<int> lo = default, hi = default;
            for (var j = 0; j < 8; j++)
            {
                var xq = Vector512.Create(*(long*)(xb + j * 4)).AsInt16();
                lo = Avx512F.Add(lo, Avx512BW.MultiplyAddAdjacent(Avx512BW.ConvertToVector512Int16(Avx.LoadVector256(block + j * 64)), xq));
                hi = Avx512F.Add(hi, Avx512BW.MultiplyAddAdjacent(Avx512BW.ConvertToVector512Int16(Avx.LoadVector256(block + j * 64 + 32)), xq));
            }
            f = Accumulate(f, Fold(lo, hi, even, odd), BlockScales(scales + b * Rows), x.Scales[b]);
        }
        Avx512F.Store(y, f);
    }

    public static void Q4(byte* group, int blocks, int scaleBytes, in QuantizedInput x, float* y)
    {
        var quants = group + scaleBytes;
        var scales = (ushort*)group;
        var mask = Vector512.Create((byte)0x0f);
        var ones = Vector512.Create((short)1);
        var f = Vector512<float>.Zero;
        for (var b = 0; b < blocks; b++)
        {
            var block = quants + b * PackedLayout.Q4BlockBytes;
            var xb = x.Values + b * PackedLayout.BlockSize;
            X86Prefetch.Ahead(block, PackedLayout.Q4BlockBytes / 64);
            // Each vpmaddubsw lane is at most 2 * 15 * 127 = 3810, so 8 of them still fit int16.
            var p = Vector512<short>.Zero;
            for (var u = 0; u < 4; u++)
            {
                var v = Avx512F.LoadVector512(block + u * 64);
                p = Avx512BW.Add(p, NibblePair(Avx512F.And(v, mask), Avx512F.And(Avx512BW.ShiftRightLogical(v.AsUInt16(), 4).AsByte(), mask), xb + u * 8));
            }
            f = Accumulate(f, NibbleSums(p, ones, x.Sums[b]), BlockScales(scales + b * Rows), x.Scales[b]);
        }
        Avx512F.Store(y, f);
    }

    /// <summary>A block's 16 weight scales (f16) as f32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> BlockScales(ushort* scales) => HalfBits.HalfToSingle(Avx512F.ConvertToVector512UInt32(Avx.LoadVector256(scales)));

    /// <summary>f += sums * (weight scales * activation scale): one block's share of the 16 rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Accumulate(Vector512<float> f, Vector512<int> sums, Vector512<float> weightScales, float activationScale) =>
        Avx512F.FusedMultiplyAdd(Avx512F.ConvertToVector512Single(sums), Avx512F.Multiply(weightScales, Vector512.Create(activationScale)), f);

    public static void F32(byte* group, int columns, float* x, float* y) => Float<F32Rows>(group, columns, x, y);

    public static void BF16(byte* group, int columns, float* x, float* y) => Float<BF16Rows>(group, columns, x, y);

    public static void F16(byte* group, int columns, float* x, float* y) => Float<F16Rows>(group, columns, x, y);

    private static void Float<TRows>(byte* group, int columns, float* x, float* y)
        where TRows : struct, IFloatRows
    {
        Vector512<float> p0 = default, p1 = default, p2 = default, p3 = default;
        var k = 0;
        for (; k + 4 <= columns; k += 4)
        {
            p0 = Avx512F.FusedMultiplyAdd(TRows.Load(group, k), Vector512.Create(x[k]), p0);
            p1 = Avx512F.FusedMultiplyAdd(TRows.Load(group, k + 1), Vector512.Create(x[k + 1]), p1);
            p2 = Avx512F.FusedMultiplyAdd(TRows.Load(group, k + 2), Vector512.Create(x[k + 2]), p2);
            p3 = Avx512F.FusedMultiplyAdd(TRows.Load(group, k + 3), Vector512.Create(x[k + 3]), p3);
        }
        if (k < columns)
        {
            p0 = Avx512F.FusedMultiplyAdd(TRows.Load(group, k), Vector512.Create(x[k]), p0);
        }
        if (k + 1 < columns)
        {
            p1 = Avx512F.FusedMultiplyAdd(TRows.Load(group, k + 1), Vector512.Create(x[k + 1]), p1);
        }
        if (k + 2 < columns)
        {
            p2 = Avx512F.FusedMultiplyAdd(TRows.Load(group, k + 2), Vector512.Create(x[k + 2]), p2);
        }
        Avx512F.Store(y, Avx512F.Add(Avx512F.Add(p0, p1), Avx512F.Add(p2, p3)));
    }

    /// <summary>Loads column k of a float-format group as 16 f32.</summary>
    private interface IFloatRows
    {
        static abstract Vector512<float> Load(byte* group, int k);
    }

    private readonly struct F32Rows : IFloatRows
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Load(byte* group, int k) => Avx512F.LoadVector512((float*)group + k * Rows);
    }

    private readonly struct BF16Rows : IFloatRows
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Load(byte* group, int k) =>
            Avx512F.ShiftLeftLogical(Avx512F.ConvertToVector512UInt32(Avx.LoadVector256((ushort*)group + k * Rows)), 16).AsSingle();
    }

    private readonly struct F16Rows : IFloatRows
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Load(byte* group, int k) =>
            HalfBits.HalfToSingle(Avx512F.ConvertToVector512UInt32(Avx.LoadVector256((ushort*)group + k * Rows)));
    }
}
