using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Qwen3Tts.Inference.Kernels.Linear;

/// <summary>
/// x86 kernels on 256-bit registers: a row group is two registers (rows 0-7, rows 8-15).
/// Int8: vpmaddubsw and vpdpbusd need one unsigned operand; Q8_0 gets it from the weight in two ways
/// (<see cref="PlainDot"/>: its magnitude, the sign moved onto the activation; <see cref="VnniDot"/>: w + 128,
/// corrected by 128 Σx per block). Q4_0 nibbles are unsigned already. The kernels
/// for two and four inputs per call are in <c>LinearKernelsAvx2.Inputs.cs</c>.
/// Results equal <see cref="LinearKernelsGeneric.Scalar"/> bit for bit (same integer block sums, same fma order).
/// </summary>
internal static unsafe partial class LinearKernelsAvx2
{
    private const int Rows = PackedLayout.GroupRows;

    public static void Q8(byte* group, int blocks, int scaleBytes, in QuantizedInput x, float* y) => Q8<PlainDot>(group, blocks, scaleBytes, x, y);

    public static void Q8Vnni(byte* group, int blocks, int scaleBytes, in QuantizedInput x, float* y) => Q8<VnniDot>(group, blocks, scaleBytes, x, y);

    private static void Q8<TDot>(byte* group, int blocks, int scaleBytes, in QuantizedInput x, float* y)
        where TDot : struct, IQ8Dot
    {
        var quants = group + scaleBytes;
        var scales = (ushort*)group;
        Vector256<float> f0 = default, f1 = default;
        for (var b = 0; b < blocks; b++)
        {
            var block = quants + b * PackedLayout.Q8BlockBytes;
            var xb = x.Values + b * PackedLayout.BlockSize;
            X86Prefetch.Ahead(block, PackedLayout.Q8BlockBytes / 64);
            Vector256<int> a0 = default, a1 = default;
            for (var j = 0; j < 8; j++)
            {
                var xq = Vector256.Create(*(int*)(xb + j * 4)).AsSByte();
                var wl = Avx.LoadVector256((sbyte*)block + j * 64);
                var wh = Avx.LoadVector256((sbyte*)block + j * 64 + 32);
                a0 = TDot.Add(a0, TDot.Unsigned(wl), wl, xq);
                a1 = TDot.Add(a1, TDot.Unsigned(wh), wh, xq);
            }
            Q8Step<TDot>(ref f0, ref f1, a0, a1, new GroupScales(scales + b * Rows), x, b);
        }
        Avx.Store(y, f0);
        Avx.Store(y + 8, f1);
    }

    public static void Q4(byte* group, int blocks, int scaleBytes, in QuantizedInput x, float* y) => Q4<PlainNibbles>(group, blocks, scaleBytes, x, y);

    public static void Q4Vnni(byte* group, int blocks, int scaleBytes, in QuantizedInput x, float* y) => Q4<VnniNibbles>(group, blocks, scaleBytes, x, y);

    private static void Q4<TNibbles>(byte* group, int blocks, int scaleBytes, in QuantizedInput x, float* y)
        where TNibbles : struct, INibbleDot
    {
        var quants = group + scaleBytes;
        var scales = (ushort*)group;
        var mask = Vector256.Create((byte)0x0f);
        Vector256<float> f0 = default, f1 = default;
        for (var b = 0; b < blocks; b++)
        {
            var block = quants + b * PackedLayout.Q4BlockBytes;
            var xb = x.Values + b * PackedLayout.BlockSize;
            X86Prefetch.Ahead(block, PackedLayout.Q4BlockBytes / 64);
            Vector256<int> a0 = default, a1 = default;
            for (var u = 0; u < 4; u++)
            {
                var x0 = Vector256.Create(*(int*)(xb + u * 8)).AsSByte();
                var x1 = Vector256.Create(*(int*)(xb + u * 8 + 4)).AsSByte();
                var v0 = Avx.LoadVector256(block + u * 64);
                var v1 = Avx.LoadVector256(block + u * 64 + 32);
                a0 = TNibbles.Add(a0, Low(v0, mask), High(v0, mask), x0, x1);
                a1 = TNibbles.Add(a1, Low(v1, mask), High(v1, mask), x0, x1);
            }
            var correction = Vector256.Create(8 * x.Sums[b]);
            Step(ref f0, ref f1, Avx2.Subtract(TNibbles.Finish(a0), correction), Avx2.Subtract(TNibbles.Finish(a1), correction), new GroupScales(scales + b * Rows), x.Scales[b]);
        }
        Avx.Store(y, f0);
        Avx.Store(y + 8, f1);
    }

    /// <summary>The low nibbles of a Q4_0 unit half: a Q8_0-shaped chunk of unsigned 0..15.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> Low(Vector256<byte> v, Vector256<byte> mask) => Avx2.And(v, mask);

    /// <summary>The high nibbles of a Q4_0 unit half.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> High(Vector256<byte> v, Vector256<byte> mask) => Avx2.And(Avx2.ShiftRightLogical(v.AsUInt16(), 4).AsByte(), mask);

    /// <summary>A block's 16 f16 weight scales as f32 (rows 0-7, rows 8-15): converted once per block, shared by every input of a call.</summary>
    private readonly struct GroupScales
    {
        public readonly Vector256<float> Low;
        public readonly Vector256<float> High;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public GroupScales(ushort* scales)
        {
            Low = HalfBits.HalfToSingle(Avx2.ConvertToVector256Int32(scales).AsUInt32());
            High = HalfBits.HalfToSingle(Avx2.ConvertToVector256Int32(scales + 8).AsUInt32());
        }
    }

    /// <summary>The block's float step for 16 rows: f = fma((float)sum, d_w * d_x, f).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step(ref Vector256<float> f0, ref Vector256<float> f1, Vector256<int> s0, Vector256<int> s1, in GroupScales w, float activationScale)
    {
        var xs = Vector256.Create(activationScale);
        f0 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(s0), Avx.Multiply(w.Low, xs), f0);
        f1 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(s1), Avx.Multiply(w.High, xs), f1);
    }

    public static void F32(byte* group, int columns, float* x, float* y) => Float<F32Rows>(group, columns, x, y);

    public static void BF16(byte* group, int columns, float* x, float* y) => Float<BF16Rows>(group, columns, x, y);

    public static void F16(byte* group, int columns, float* x, float* y) => Float<F16Rows>(group, columns, x, y);

    private static void Float<TRows>(byte* group, int columns, float* x, float* y)
        where TRows : struct, IFloatRows
    {
        Vector256<float> p0a = default, p0b = default, p1a = default, p1b = default;
        Vector256<float> p2a = default, p2b = default, p3a = default, p3b = default;
        var k = 0;
        for (; k + 4 <= columns; k += 4)
        {
            Fma2<TRows>(group, k, x[k], ref p0a, ref p0b);
            Fma2<TRows>(group, k + 1, x[k + 1], ref p1a, ref p1b);
            Fma2<TRows>(group, k + 2, x[k + 2], ref p2a, ref p2b);
            Fma2<TRows>(group, k + 3, x[k + 3], ref p3a, ref p3b);
        }
        if (k < columns)
        {
            Fma2<TRows>(group, k, x[k], ref p0a, ref p0b);
        }
        if (k + 1 < columns)
        {
            Fma2<TRows>(group, k + 1, x[k + 1], ref p1a, ref p1b);
        }
        if (k + 2 < columns)
        {
            Fma2<TRows>(group, k + 2, x[k + 2], ref p2a, ref p2b);
        }
        Avx.Store(y, Avx.Add(Avx.Add(p0a, p1a), Avx.Add(p2a, p3a)));
        Avx.Store(y + 8, Avx.Add(Avx.Add(p0b, p1b), Avx.Add(p2b, p3b)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Fma2<TRows>(byte* group, int k, float x, ref Vector256<float> pa, ref Vector256<float> pb)
        where TRows : struct, IFloatRows
    {
        var xv = Vector256.Create(x);
        pa = Fma.MultiplyAdd(TRows.Load(group, k, 0), xv, pa);
        pb = Fma.MultiplyAdd(TRows.Load(group, k, 8), xv, pb);
    }

    /// <summary>
    /// Q8_0 block sums on 256-bit lanes, 4 products of one row per int32 lane. A weight chunk goes through
    /// <see cref="Unsigned"/> once, shared by every input of a call; <see cref="Add"/> takes each input's products and
    /// <see cref="Finish"/> turns a block's accumulator into the exact Σ w·x.
    /// </summary>
    private interface IQ8Dot
    {
        static abstract Vector256<byte> Unsigned(Vector256<sbyte> w);

        static abstract Vector256<int> Add(Vector256<int> acc, Vector256<byte> unsigned, Vector256<sbyte> w, Vector256<sbyte> x);

        static abstract Vector256<int> Finish(Vector256<int> acc, int activationSum);
    }

    /// <summary>
    /// vpmaddubsw needs one unsigned operand, so the weight's sign moves onto the activation:
    /// |w| · (x · sign w) = w · x, pair sums at most 2 · 128 · 127 (no saturation), widened by vpmaddwd.
    /// </summary>
    private readonly struct PlainDot : IQ8Dot
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<byte> Unsigned(Vector256<sbyte> w) => Avx2.Abs(w);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Add(Vector256<int> acc, Vector256<byte> unsigned, Vector256<sbyte> w, Vector256<sbyte> x) =>
            Avx2.Add(acc, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(unsigned, Avx2.Sign(x, w)), Vector256.Create((short)1)));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Finish(Vector256<int> acc, int activationSum) => acc;
    }

    /// <summary>
    /// vpdpbusd multiplies unsigned by signed bytes and adds into int32 without saturating, so the weight is
    /// offset instead of signed: w xor 0x80 = w + 128 (0..255), and Σ (w + 128) · x − 128 · Σ x = Σ w · x, exact
    /// (a block's sum stays under 32 · 255 · 127). One instruction per input and chunk, against three for the
    /// sign trick (vpsignb, vpdpbusd, and the shared vpabsb). Intel Xeon (Emerald Rapids, 2 cores), `bench predictor
    /// --kernel avxvnni` q8_0, three alternating rounds on a noisy box (with the block scales converted once per block):
    /// four inputs on 1 thread 48.9-52.4 -> 45.7-47.6 ms per frame (one run 29.7), on 2 threads 26.8-28.6 -> 20.7-28.7;
    /// one input unchanged (bound by memory).
    /// </summary>
    private readonly struct VnniDot : IQ8Dot
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<byte> Unsigned(Vector256<sbyte> w) => Avx2.Xor(w.AsByte(), Vector256.Create((byte)0x80));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Add(Vector256<int> acc, Vector256<byte> unsigned, Vector256<sbyte> w, Vector256<sbyte> x) =>
            AvxVnni.MultiplyWideningAndAdd(acc, unsigned, x);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Finish(Vector256<int> acc, int activationSum) =>
            Avx2.Subtract(acc, Vector256.Create(128 * activationSum));
    }

    /// <summary>
    /// A Q4_0 block's nibble products, accumulated in <c>acc</c> over its four units and widened to int32 per row by
    /// <see cref="Finish"/>. Without VNNI the accumulator holds int16 lanes (each vpmaddubsw lane is at most
    /// 2 * 15 * 127 = 3810, so a block's 8 of them still fit) and is widened once per block.
    /// </summary>
    private interface INibbleDot
    {
        static abstract Vector256<int> Add(Vector256<int> acc, Vector256<byte> low, Vector256<byte> high, Vector256<sbyte> x0, Vector256<sbyte> x1);

        static abstract Vector256<int> Finish(Vector256<int> acc);
    }

    private readonly struct PlainNibbles : INibbleDot
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Add(Vector256<int> acc, Vector256<byte> low, Vector256<byte> high, Vector256<sbyte> x0, Vector256<sbyte> x1) =>
            Avx2.Add(acc.AsInt16(), Avx2.Add(Avx2.MultiplyAddAdjacent(low, x0), Avx2.MultiplyAddAdjacent(high, x1))).AsInt32();

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Finish(Vector256<int> acc) => Avx2.MultiplyAddAdjacent(acc.AsInt16(), Vector256.Create((short)1));
    }

    private readonly struct VnniNibbles : INibbleDot
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Add(Vector256<int> acc, Vector256<byte> low, Vector256<byte> high, Vector256<sbyte> x0, Vector256<sbyte> x1) =>
            AvxVnni.MultiplyWideningAndAdd(AvxVnni.MultiplyWideningAndAdd(acc, low, x0), high, x1);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Finish(Vector256<int> acc) => acc;
    }

    /// <summary>Loads 8 rows (from <c>row</c>) of column k of a float-format group as f32.</summary>
    private interface IFloatRows
    {
        static abstract Vector256<float> Load(byte* group, int k, int row);
    }

    private readonly struct F32Rows : IFloatRows
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Load(byte* group, int k, int row) => Avx.LoadVector256((float*)group + k * Rows + row);
    }

    private readonly struct BF16Rows : IFloatRows
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Load(byte* group, int k, int row) =>
            Avx2.ShiftLeftLogical(Avx2.ConvertToVector256Int32((ushort*)group + k * Rows + row), 16).AsSingle();
    }

    private readonly struct F16Rows : IFloatRows
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Load(byte* group, int k, int row) =>
            HalfBits.HalfToSingle(Avx2.ConvertToVector256Int32((ushort*)group + k * Rows + row).AsUInt32());
    }
}
