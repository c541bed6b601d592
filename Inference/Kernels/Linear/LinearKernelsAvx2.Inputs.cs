using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Qwen3Tts.Inference.Kernels.Linear;

/// <summary>
/// The 256-bit block kernels for two and four inputs at once (a prompt's rows, a batched step: one row per request).
/// A weight chunk is loaded and its magnitudes taken (Q8_0) or its nibbles unpacked (Q4_0) once and multiplied
/// against every input. On a 256-bit core these products are bound by the arithmetic from four inputs on, not by
/// memory: on an AMD Zen 1 (AVX2, 128-bit units), four L2-resident inputs ran 10.9 -> 15.0 G multiply-adds per
/// second (Q8_0) and 16.1 -> 22.5 (Q4_0) against four single-input calls. Each input's arithmetic is the
/// single-input kernel's, in the same order, so the results are bit-identical to it.
/// </summary>
internal static unsafe partial class LinearKernelsAvx2
{
    public static void Q8x2(bool vnni, byte* group, int blocks, int scaleBytes, in QuantizedInput x0, in QuantizedInput x1, float* y0, float* y1)
    {
        if (vnni) Q8x2<VnniDot>(group, blocks, scaleBytes, x0, x1, y0, y1); else Q8x2<PlainDot>(group, blocks, scaleBytes, x0, x1, y0, y1);
    }

    public static void Q8x4(bool vnni, byte* group, int blocks, int scaleBytes, in QuantizedInput x0, in QuantizedInput x1, in QuantizedInput x2, in QuantizedInput x3,
        float* y0, float* y1, float* y2, float* y3)
    {
        if (vnni) Q8x4<VnniDot>(group, blocks, scaleBytes, x0, x1, x2, x3, y0, y1, y2, y3); else Q8x4<PlainDot>(group, blocks, scaleBytes, x0, x1, x2, x3, y0, y1, y2, y3);
    }

    public static void Q4x2(bool vnni, byte* group, int blocks, int scaleBytes, in QuantizedInput x0, in QuantizedInput x1, float* y0, float* y1)
    {
        if (vnni) Q4x2<VnniNibbles>(group, blocks, scaleBytes, x0, x1, y0, y1); else Q4x2<PlainNibbles>(group, blocks, scaleBytes, x0, x1, y0, y1);
    }

    public static void Q4x4(bool vnni, byte* group, int blocks, int scaleBytes, in QuantizedInput x0, in QuantizedInput x1, in QuantizedInput x2, in QuantizedInput x3,
        float* y0, float* y1, float* y2, float* y3)
    {
        if (vnni) Q4x4<VnniNibbles>(group, blocks, scaleBytes, x0, x1, x2, x3, y0, y1, y2, y3); else Q4x4<PlainNibbles>(group, blocks, scaleBytes, x0, x1, x2, x3, y0, y1, y2, y3);
    }

    private static void Q8x2<TDot>(byte* group, int blocks, int scaleBytes, in QuantizedInput x0, in QuantizedInput x1, float* y0, float* y1)
        where TDot : struct, IQ8Dot
    {
        var quants = group + scaleBytes;
        var scales = (ushort*)group;
        Vector256<float> f00 = default, f01 = default, f10 = default, f11 = default;
        for (var b = 0; b < blocks; b++)
        {
            var block = (sbyte*)quants + b * PackedLayout.Q8BlockBytes;
            var at = b * PackedLayout.BlockSize;
            X86Prefetch.Ahead((byte*)block, PackedLayout.Q8BlockBytes / 64);
            Vector256<int> a00 = default, a01 = default, a10 = default, a11 = default;
            for (var j = 0; j < 8; j++)
            {
                var wl = Avx.LoadVector256(block + j * 64);
                var wh = Avx.LoadVector256(block + j * 64 + 32);
                Vector256<byte> ml = TDot.Unsigned(wl), mh = TDot.Unsigned(wh);
                var x = Chunk(x0, at, j);
                a00 = TDot.Add(a00, ml, wl, x);
                a01 = TDot.Add(a01, mh, wh, x);
                x = Chunk(x1, at, j);
                a10 = TDot.Add(a10, ml, wl, x);
                a11 = TDot.Add(a11, mh, wh, x);
            }
            var w = new GroupScales(scales + b * Rows);
            Q8Step<TDot>(ref f00, ref f01, a00, a01, w, x0, b);
            Q8Step<TDot>(ref f10, ref f11, a10, a11, w, x1, b);
        }
        Store(y0, f00, f01);
        Store(y1, f10, f11);
    }

    private static void Q8x4<TDot>(byte* group, int blocks, int scaleBytes, in QuantizedInput x0, in QuantizedInput x1, in QuantizedInput x2, in QuantizedInput x3,
        float* y0, float* y1, float* y2, float* y3)
        where TDot : struct, IQ8Dot
    {
        var quants = group + scaleBytes;
        var scales = (ushort*)group;
        Vector256<float> f00 = default, f01 = default, f10 = default, f11 = default, f20 = default, f21 = default, f30 = default, f31 = default;
        for (var b = 0; b < blocks; b++)
        {
            var block = (sbyte*)quants + b * PackedLayout.Q8BlockBytes;
            var at = b * PackedLayout.BlockSize;
            X86Prefetch.Ahead((byte*)block, PackedLayout.Q8BlockBytes / 64);
            Vector256<int> a00 = default, a01 = default, a10 = default, a11 = default, a20 = default, a21 = default, a30 = default, a31 = default;
            for (var j = 0; j < 8; j++)
            {
                var wl = Avx.LoadVector256(block + j * 64);
                var wh = Avx.LoadVector256(block + j * 64 + 32);
                Vector256<byte> ml = TDot.Unsigned(wl), mh = TDot.Unsigned(wh);
                var x = Chunk(x0, at, j);
                a00 = TDot.Add(a00, ml, wl, x);
                a01 = TDot.Add(a01, mh, wh, x);
                x = Chunk(x1, at, j);
                a10 = TDot.Add(a10, ml, wl, x);
                a11 = TDot.Add(a11, mh, wh, x);
                x = Chunk(x2, at, j);
                a20 = TDot.Add(a20, ml, wl, x);
                a21 = TDot.Add(a21, mh, wh, x);
                x = Chunk(x3, at, j);
                a30 = TDot.Add(a30, ml, wl, x);
                a31 = TDot.Add(a31, mh, wh, x);
            }
            var w = new GroupScales(scales + b * Rows);
            Q8Step<TDot>(ref f00, ref f01, a00, a01, w, x0, b);
            Q8Step<TDot>(ref f10, ref f11, a10, a11, w, x1, b);
            Q8Step<TDot>(ref f20, ref f21, a20, a21, w, x2, b);
            Q8Step<TDot>(ref f30, ref f31, a30, a31, w, x3, b);
        }
        Store(y0, f00, f01);
        Store(y1, f10, f11);
        Store(y2, f20, f21);
        Store(y3, f30, f31);
    }

    private static void Q4x2<TNibbles>(byte* group, int blocks, int scaleBytes, in QuantizedInput x0, in QuantizedInput x1, float* y0, float* y1)
        where TNibbles : struct, INibbleDot
    {
        var quants = group + scaleBytes;
        var scales = (ushort*)group;
        var mask = Vector256.Create((byte)0x0f);
        Vector256<float> f00 = default, f01 = default, f10 = default, f11 = default;
        for (var b = 0; b < blocks; b++)
        {
            var block = quants + b * PackedLayout.Q4BlockBytes;
            var at = b * PackedLayout.BlockSize;
            X86Prefetch.Ahead(block, PackedLayout.Q4BlockBytes / 64);
            Vector256<int> a00 = default, a01 = default, a10 = default, a11 = default;
            for (var u = 0; u < 4; u++)
            {
                var v0 = Avx.LoadVector256(block + u * 64);
                var v1 = Avx.LoadVector256(block + u * 64 + 32);
                Vector256<byte> l0 = Low(v0, mask), h0 = High(v0, mask), l1 = Low(v1, mask), h1 = High(v1, mask);
                Vector256<sbyte> lo = Chunk(x0, at, 2 * u), hi = Chunk(x0, at, 2 * u + 1);
                a00 = TNibbles.Add(a00, l0, h0, lo, hi);
                a01 = TNibbles.Add(a01, l1, h1, lo, hi);
                (lo, hi) = (Chunk(x1, at, 2 * u), Chunk(x1, at, 2 * u + 1));
                a10 = TNibbles.Add(a10, l0, h0, lo, hi);
                a11 = TNibbles.Add(a11, l1, h1, lo, hi);
            }
            var w = new GroupScales(scales + b * Rows);
            NibbleStep<TNibbles>(ref f00, ref f01, a00, a01, w, x0, b);
            NibbleStep<TNibbles>(ref f10, ref f11, a10, a11, w, x1, b);
        }
        Store(y0, f00, f01);
        Store(y1, f10, f11);
    }

    private static void Q4x4<TNibbles>(byte* group, int blocks, int scaleBytes, in QuantizedInput x0, in QuantizedInput x1, in QuantizedInput x2, in QuantizedInput x3,
        float* y0, float* y1, float* y2, float* y3)
        where TNibbles : struct, INibbleDot
    {
        var quants = group + scaleBytes;
        var scales = (ushort*)group;
        var mask = Vector256.Create((byte)0x0f);
        Vector256<float> f00 = default, f01 = default, f10 = default, f11 = default, f20 = default, f21 = default, f30 = default, f31 = default;
        for (var b = 0; b < blocks; b++)
        {
            var block = quants + b * PackedLayout.Q4BlockBytes;
            var at = b * PackedLayout.BlockSize;
            X86Prefetch.Ahead(block, PackedLayout.Q4BlockBytes / 64);
            Vector256<int> a00 = default, a01 = default, a10 = default, a11 = default, a20 = default, a21 = default, a30 = default, a31 = default;
            for (var u = 0; u < 4; u++)
            {
                var v0 = Avx.LoadVector256(block + u * 64);
                var v1 = Avx.LoadVector256(block + u * 64 + 32);
                Vector256<byte> l0 = Low(v0, mask), h0 = High(v0, mask), l1 = Low(v1, mask), h1 = High(v1, mask);
                Vector256<sbyte> lo = Chunk(x0, at, 2 * u), hi = Chunk(x0, at, 2 * u + 1);
                a00 = TNibbles.Add(a00, l0, h0, lo, hi);
                a01 = TNibbles.Add(a01, l1, h1, lo, hi);
                (lo, hi) = (Chunk(x1, at, 2 * u), Chunk(x1, at, 2 * u + 1));
                a10 = TNibbles.Add(a10, l0, h0, lo, hi);
                a11 = TNibbles.Add(a11, l1, h1, lo, hi);
                (lo, hi) = (Chunk(x2, at, 2 * u), Chunk(x2, at, 2 * u + 1));
                a20 = TNibbles.Add(a20, l0, h0, lo, hi);
                a21 = TNibbles.Add(a21, l1, h1, lo, hi);
                (lo, hi) = (Chunk(x3, at, 2 * u), Chunk(x3, at, 2 * u + 1));
                a30 = TNibbles.Add(a30, l0, h0, lo, hi);
                a31 = TNibbles.Add(a31, l1, h1, lo, hi);
            }
            var w = new GroupScales(scales + b * Rows);
            NibbleStep<TNibbles>(ref f00, ref f01, a00, a01, w, x0, b);
            NibbleStep<TNibbles>(ref f10, ref f11, a10, a11, w, x1, b);
            NibbleStep<TNibbles>(ref f20, ref f21, a20, a21, w, x2, b);
            NibbleStep<TNibbles>(ref f30, ref f31, a30, a31, w, x3, b);
        }
        Store(y0, f00, f01);
        Store(y1, f10, f11);
        Store(y2, f20, f21);
        Store(y3, f30, f31);
    }

    /// <summary>Activations 4c..4c+3 of the block starting at <paramref name="at"/>, repeated across the register (one per row).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<sbyte> Chunk(in QuantizedInput x, int at, int c) => Vector256.Create(*(int*)(x.Values + at + c * 4)).AsSByte();

    /// <summary>A Q4_0 block's float step: the nibble sums less 8 Σx (the weights are q - 8), then <see cref="Step"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void NibbleStep<TNibbles>(ref Vector256<float> f0, ref Vector256<float> f1, Vector256<int> a0, Vector256<int> a1, in GroupScales w, in QuantizedInput x, int b)
        where TNibbles : struct, INibbleDot
    {
        var correction = Vector256.Create(8 * x.Sums[b]);
        Step(ref f0, ref f1, Avx2.Subtract(TNibbles.Finish(a0), correction), Avx2.Subtract(TNibbles.Finish(a1), correction), w, x.Scales[b]);
    }

    /// <summary>A Q8_0 block's float step: <see cref="IQ8Dot.Finish"/>, then <see cref="Step"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Q8Step<TDot>(ref Vector256<float> f0, ref Vector256<float> f1, Vector256<int> a0, Vector256<int> a1, in GroupScales w, in QuantizedInput x, int b)
        where TDot : struct, IQ8Dot
    {
        var sum = x.Sums[b];
        Step(ref f0, ref f1, TDot.Finish(a0, sum), TDot.Finish(a1, sum), w, x.Scales[b]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* y, Vector256<float> f0, Vector256<float> f1)
    {
        Avx.Store(y, f0);
        Avx.Store(y + 8, f1);
    }
}
