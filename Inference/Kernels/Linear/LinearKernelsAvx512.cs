using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Qwen3Tts.Inference.Kernels.Linear;

/// <summary>
/// x86 AVX-512 (F + BW) kernels: a row group is one 512-bit register.
/// .NET 10 exposes no 512-bit VNNI (vpdpbusd zmm arrives as AvxVnni.V512 in .NET 11, and AvxVnni here
/// is the VEX encoding, which AVX-512 VNNI CPUs such as AMD Zen 4 do not report), and AVX-512 has no
/// vpsignb for the sign trick. So Q8_0 multiplies in 16 bits: each weight byte taken in place as 256·w
/// (a byte shuffle or a mask), activations pre-widened once per product in column pairs, vpmaddwd into
/// one sum per row (see <see cref="EvenBytes"/>). Q4_0 nibbles are unsigned, so they use vpmaddubsw directly.
/// Results equal <see cref="LinearKernelsGeneric.Scalar"/> bit for bit.
/// </summary>
internal static unsafe partial class LinearKernelsAvx512
{
    private const int Rows = PackedLayout.GroupRows;

    public static void Q8(byte* group, int blocks, int scaleBytes, in QuantizedInput x, float* y)
    {
        var quants = (sbyte*)(group + scaleBytes);
        var scales = (ushort*)group;
        var f = Vector512<float>.Zero;
        for (var b = 0; b < blocks; b++)
        {
            var block = quants + b * PackedLayout.Q8BlockBytes;
            var xb = x.Wide + b * PackedLayout.BlockSize;
            X86Prefetch.Ahead((byte*)block, PackedLayout.Q8BlockBytes / 64);
            // Lane r holds 256 x row r's products: columns 4j, 4j+2 in `even`, 4j+1, 4j+3 in `odd`.
            Vector512<int> even = default, odd = default;
            for (var j = 0; j < 8; j++)
            {
                var chunk = Avx512F.LoadVector512(block + j * 64);
                even = Avx512F.Add(even, Avx512BW.MultiplyAddAdjacent(EvenBytes(chunk), EvenColumns(xb, j)));
                odd = Avx512F.Add(odd, Avx512BW.MultiplyAddAdjacent(OddBytes(chunk), OddColumns(xb, j)));
            }
            f = Accumulate(f, RowSums(even, odd), BlockScales(scales + b * Rows), x.Scales[b]);
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

    // A Q8_0 chunk's 16-bit words are (column 4j, 4j+1) and (4j+2, 4j+3) of each row, low byte first. Taken
    // in place as 256·w (the even column's byte moved up, the odd one's masked), two vpmaddwd against the
    // activation pairs (x[4j], x[4j+2]) and (x[4j+1], x[4j+3]) give one lane per row, with no sign
    // extension across lanes (vpmovsxbw, the previous form's bottleneck on Zen 4) and no permute at the end.
    // Exact: a block's |sum| <= 8 chunks x 4 columns x 256 x 128 x 127 < 2^31 (a file's -128 weights included; 256·-128
    // is int16's minimum, and x is at most 127 in magnitude), and 256 divides it. A shuffle index of -128 zeroes its byte.
    private static readonly Vector512<sbyte> EvenToHigh = Vector512.Create(
        -128, 0, -128, 2, -128, 4, -128, 6, -128, 8, -128, 10, -128, 12, -128, 14,
        -128, 0, -128, 2, -128, 4, -128, 6, -128, 8, -128, 10, -128, 12, -128, 14,
        -128, 0, -128, 2, -128, 4, -128, 6, -128, 8, -128, 10, -128, 12, -128, 14,
        -128, 0, -128, 2, -128, 4, -128, 6, -128, 8, -128, 10, -128, 12, -128, 14);

    /// <summary>256 x each word's low byte (the chunk's columns 4j and 4j+2), as int16.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<short> EvenBytes(Vector512<sbyte> chunk) => Avx512BW.Shuffle(chunk, EvenToHigh).AsInt16();

    /// <summary>256 x each word's high byte (columns 4j+1 and 4j+3), as int16.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<short> OddBytes(Vector512<sbyte> chunk) => Avx512F.And(chunk.AsInt16(), Vector512.Create(unchecked((short)0xFF00)));

    /// <summary>Chunk j's activations for <see cref="EvenBytes"/>: (x[4j], x[4j+2]) in every lane pair (the wide row keeps them adjacent).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<short> EvenColumns(short* wide, int j) => Vector512.Create(*(int*)(wide + j * 4)).AsInt16();

    /// <summary>Chunk j's activations for <see cref="OddBytes"/>: (x[4j+1], x[4j+3]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<short> OddColumns(short* wide, int j) => Vector512.Create(*(int*)(wide + j * 4 + 2)).AsInt16();

    /// <summary>A Q8_0 block's int32 row sums from the two 256-scaled halves.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> RowSums(Vector512<int> even, Vector512<int> odd) => Avx512F.ShiftRightArithmetic(Avx512F.Add(even, odd), 8);

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
