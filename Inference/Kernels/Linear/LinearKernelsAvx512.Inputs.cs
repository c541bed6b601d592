using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Qwen3Tts.Inference.Kernels.Linear;

/// <summary>
/// The block kernels for two and four inputs at once (a batched predictor pass: one row per request).
/// A weight chunk is loaded and split into its 256-scaled halves (Q8_0) or unpacked (Q4_0) once and multiplied against every
/// input, so the shared work — a fifth of a Q8_0 block's instructions at four inputs, two fifths of a Q4_0 one — is
/// paid once per group instead of once per input. Each input's arithmetic is the single-input
/// kernel's, in the same order, so the results are bit-identical to it.
/// </summary>
internal static unsafe partial class LinearKernelsAvx512
{
    public static void Q8x2(byte* group, int blocks, int scaleBytes, in QuantizedInput x0, in QuantizedInput x1, float* y0, float* y1)
    {
        var quants = (sbyte*)(group + scaleBytes);
        var scales = (ushort*)group;
        Vector512<float> f0 = default, f1 = default;
        for (var b = 0; b < blocks; b++)
        {
            var block = quants + b * PackedLayout.Q8BlockBytes;
            var xb0 = x0.Wide + b * PackedLayout.BlockSize;
            var xb1 = x1.Wide + b * PackedLayout.BlockSize;
            X86Prefetch.Ahead((byte*)block, PackedLayout.Q8BlockBytes / 64);
            Vector512<int> lo0 = default, hi0 = default, lo1 = default, hi1 = default;
            for (var j = 0; j < 8; j++)
            {
                var chunk = Avx512F.LoadVector512(block + j * 64);
                var wl = EvenBytes(chunk);
                var wh = OddBytes(chunk);
                lo0 = Avx512F.Add(lo0, Avx512BW.MultiplyAddAdjacent(wl, EvenColumns(xb0, j)));
                hi0 = Avx512F.Add(hi0, Avx512BW.MultiplyAddAdjacent(wh, OddColumns(xb0, j)));
                lo1 = Avx512F.Add(lo1, Avx512BW.MultiplyAddAdjacent(wl, EvenColumns(xb1, j)));
                hi1 = Avx512F.Add(hi1, Avx512BW.MultiplyAddAdjacent(wh, OddColumns(xb1, j)));
            }
            var w = BlockScales(scales + b * Rows);
            f0 = Accumulate(f0, RowSums(lo0, hi0), w, x0.Scales[b]);
            f1 = Accumulate(f1, RowSums(lo1, hi1), w, x1.Scales[b]);
        }
        Avx512F.Store(y0, f0);
        Avx512F.Store(y1, f1);
    }

    public static void Q8x4(byte* group, int blocks, int scaleBytes, in QuantizedInput x0, in QuantizedInput x1, in QuantizedInput x2, in QuantizedInput x3,
        float* y0, float* y1, float* y2, float* y3)
    {
        var quants = (sbyte*)(group + scaleBytes);
        var scales = (ushort*)group;
        Vector512<float> f0 = default, f1 = default, f2 = default, f3 = default;
        for (var b = 0; b < blocks; b++)
        {
            var block = quants + b * PackedLayout.Q8BlockBytes;
            var xb0 = x0.Wide + b * PackedLayout.BlockSize;
            var xb1 = x1.Wide + b * PackedLayout.BlockSize;
            var xb2 = x2.Wide + b * PackedLayout.BlockSize;
            var xb3 = x3.Wide + b * PackedLayout.BlockSize;
            X86Prefetch.Ahead((byte*)block, PackedLayout.Q8BlockBytes / 64);
            Vector512<int> lo0 = default, hi0 = default, lo1 = default, hi1 = default, lo2 = default, hi2 = default, lo3 = default, hi3 = default;
            for (var j = 0; j < 8; j++)
            {
                var chunk = Avx512F.LoadVector512(block + j * 64);
                var wl = EvenBytes(chunk);
                var wh = OddBytes(chunk);
                lo0 = Avx512F.Add(lo0, Avx512BW.MultiplyAddAdjacent(wl, EvenColumns(xb0, j)));
                hi0 = Avx512F.Add(hi0, Avx512BW.MultiplyAddAdjacent(wh, OddColumns(xb0, j)));
                lo1 = Avx512F.Add(lo1, Avx512BW.MultiplyAddAdjacent(wl, EvenColumns(xb1, j)));
                hi1 = Avx512F.Add(hi1, Avx512BW.MultiplyAddAdjacent(wh, OddColumns(xb1, j)));
                lo2 = Avx512F.Add(lo2, Avx512BW.MultiplyAddAdjacent(wl, EvenColumns(xb2, j)));
                hi2 = Avx512F.Add(hi2, Avx512BW.MultiplyAddAdjacent(wh, OddColumns(xb2, j)));
                lo3 = Avx512F.Add(lo3, Avx512BW.MultiplyAddAdjacent(wl, EvenColumns(xb3, j)));
                hi3 = Avx512F.Add(hi3, Avx512BW.MultiplyAddAdjacent(wh, OddColumns(xb3, j)));
            }
            var w = BlockScales(scales + b * Rows);
            f0 = Accumulate(f0, RowSums(lo0, hi0), w, x0.Scales[b]);
            f1 = Accumulate(f1, RowSums(lo1, hi1), w, x1.Scales[b]);
            f2 = Accumulate(f2, RowSums(lo2, hi2), w, x2.Scales[b]);
            f3 = Accumulate(f3, RowSums(lo3, hi3), w, x3.Scales[b]);
        }
        Avx512F.Store(y0, f0);
        Avx512F.Store(y1, f1);
        Avx512F.Store(y2, f2);
        Avx512F.Store(y3, f3);
    }

    public static void Q4x2(byte* group, int blocks, int scaleBytes, in QuantizedInput x0, in QuantizedInput x1, float* y0, float* y1)
    {
        var quants = group + scaleBytes;
        var scales = (ushort*)group;
        var mask = Vector512.Create((byte)0x0f);
        var ones = Vector512.Create((short)1);
        Vector512<float> f0 = default, f1 = default;
        for (var b = 0; b < blocks; b++)
        {
            var block = quants + b * PackedLayout.Q4BlockBytes;
            var xb0 = x0.Values + b * PackedLayout.BlockSize;
            var xb1 = x1.Values + b * PackedLayout.BlockSize;
            X86Prefetch.Ahead(block, PackedLayout.Q4BlockBytes / 64);
            Vector512<short> p0 = default, p1 = default;
            for (var u = 0; u < 4; u++)
            {
                var v = Avx512F.LoadVector512(block + u * 64);
                var low = Avx512F.And(v, mask);
                var high = Avx512F.And(Avx512BW.ShiftRightLogical(v.AsUInt16(), 4).AsByte(), mask);
                p0 = Avx512BW.Add(p0, NibblePair(low, high, xb0 + u * 8));
                p1 = Avx512BW.Add(p1, NibblePair(low, high, xb1 + u * 8));
            }
            var w = BlockScales(scales + b * Rows);
            f0 = Accumulate(f0, NibbleSums(p0, ones, x0.Sums[b]), w, x0.Scales[b]);
            f1 = Accumulate(f1, NibbleSums(p1, ones, x1.Sums[b]), w, x1.Scales[b]);
        }
        Avx512F.Store(y0, f0);
        Avx512F.Store(y1, f1);
    }

    public static void Q4x4(byte* group, int blocks, int scaleBytes, in QuantizedInput x0, in QuantizedInput x1, in QuantizedInput x2, in QuantizedInput x3,
        float* y0, float* y1, float* y2, float* y3)
    {
        var quants = group + scaleBytes;
        var scales = (ushort*)group;
        var mask = Vector512.Create((byte)0x0f);
        var ones = Vector512.Create((short)1);
        Vector512<float> f0 = default, f1 = default, f2 = default, f3 = default;
        for (var b = 0; b < blocks; b++)
        {
            var block = quants + b * PackedLayout.Q4BlockBytes;
            var xb0 = x0.Values + b * PackedLayout.BlockSize;
            var xb1 = x1.Values + b * PackedLayout.BlockSize;
            var xb2 = x2.Values + b * PackedLayout.BlockSize;
            var xb3 = x3.Values + b * PackedLayout.BlockSize;
            X86Prefetch.Ahead(block, PackedLayout.Q4BlockBytes / 64);
            Vector512<short> p0 = default, p1 = default, p2 = default, p3 = default;
            for (var u = 0; u < 4; u++)
            {
                var v = Avx512F.LoadVector512(block + u * 64);
                var low = Avx512F.And(v, mask);
                var high = Avx512F.And(Avx512BW.ShiftRightLogical(v.AsUInt16(), 4).AsByte(), mask);
                p0 = Avx512BW.Add(p0, NibblePair(low, high, xb0 + u * 8));
                p1 = Avx512BW.Add(p1, NibblePair(low, high, xb1 + u * 8));
                p2 = Avx512BW.Add(p2, NibblePair(low, high, xb2 + u * 8));
                p3 = Avx512BW.Add(p3, NibblePair(low, high, xb3 + u * 8));
            }
            var w = BlockScales(scales + b * Rows);
            f0 = Accumulate(f0, NibbleSums(p0, ones, x0.Sums[b]), w, x0.Scales[b]);
            f1 = Accumulate(f1, NibbleSums(p1, ones, x1.Sums[b]), w, x1.Scales[b]);
            f2 = Accumulate(f2, NibbleSums(p2, ones, x2.Sums[b]), w, x2.Scales[b]);
            f3 = Accumulate(f3, NibbleSums(p3, ones, x3.Sums[b]), w, x3.Scales[b]);
        }
        Avx512F.Store(y0, f0);
        Avx512F.Store(y1, f1);
        Avx512F.Store(y2, f2);
        Avx512F.Store(y3, f3);
    }

    /// <summary>One Q4_0 unit's products with 8 activation bytes: low nibbles by the first 4, high by the next 4.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<short> NibblePair(Vector512<byte> low, Vector512<byte> high, sbyte* x) =>
        Avx512BW.Add(
            Avx512BW.MultiplyAddAdjacent(low, Vector512.Create(*(int*)x).AsSByte()),
            Avx512BW.MultiplyAddAdjacent(high, Vector512.Create(*(int*)(x + 4)).AsSByte()));

    /// <summary>A Q4_0 block's int32 row sums: the pair sums added, less 8 Σx (the nibbles are w + 8).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> NibbleSums(Vector512<short> p, Vector512<short> ones, int activationSum) =>
        Avx512F.Subtract(Avx512BW.MultiplyAddAdjacent(p, ones), Vector512.Create(8 * activationSum));
}
