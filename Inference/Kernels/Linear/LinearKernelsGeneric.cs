using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Qwen3Tts.Inference.Kernels.Linear;

/// <summary>
/// The reference kernels every other path must equal bit for bit (<see cref="Scalar"/>: plain loops
/// in the one fixed order), and the portable <see cref="Vector128"/> version of the same order.
///
/// The order, for each of a group's 16 rows:
/// - block formats: acc = fma((float)blockSum_b, d_w[b] * d_x[b], acc) for b = 0, 1, ...; the block sum
///   is an exact integer (Q4_0: Σ q·x − 8·Σ x), so how a path computes it cannot change the result;
/// - float formats: four partial sums, column k going to p[k % 4] by fma, then (p0 + p1) + (p2 + p3).
/// </summary>
internal static unsafe class LinearKernelsGeneric
{
    private const int Rows = PackedLayout.GroupRows;

    public static class Scalar
    {
        public static void Q8(byte* group, int blocks, int scaleBytes, in QuantizedInput x, float* y)
        {
            var scales = (ushort*)group;
            var quants = (sbyte*)(group + scaleBytes);
            for (var r = 0; r < Rows; r++)
            {
                var acc = 0f;
                for (var b = 0; b < blocks; b++)
                {
                    var sum = 0;
                    for (var k = 0; k < PackedLayout.BlockSize; k++)
                    {
                        sum += quants[PackedLayout.Q8Offset(r, b * PackedLayout.BlockSize + k)] * x.Values[b * PackedLayout.BlockSize + k];
                    }
                    acc = MathF.FusedMultiplyAdd(sum, HalfBits.HalfToSingle(scales[b * Rows + r]) * x.Scales[b], acc);
                }
                y[r] = acc;
            }
        }

        public static void Q4(byte* group, int blocks, int scaleBytes, in QuantizedInput x, float* y)
        {
            var scales = (ushort*)group;
            var quants = group + scaleBytes;
            for (var r = 0; r < Rows; r++)
            {
                var acc = 0f;
                for (var b = 0; b < blocks; b++)
                {
                    var sum = 0;
                    for (var k = 0; k < PackedLayout.BlockSize; k++)
                    {
                        var (offset, high) = PackedLayout.Q4Offset(r, b * PackedLayout.BlockSize + k);
                        var q = high ? quants[offset] >> 4 : quants[offset] & 0x0f;
                        sum += q * x.Values[b * PackedLayout.BlockSize + k];
                    }
                    sum -= 8 * x.Sums[b];
                    acc = MathF.FusedMultiplyAdd(sum, HalfBits.HalfToSingle(scales[b * Rows + r]) * x.Scales[b], acc);
                }
                y[r] = acc;
            }
        }

        public static void F32(byte* group, int columns, float* x, float* y) => Float(group, columns, x, y, sizeof(float));

        public static void BF16(byte* group, int columns, float* x, float* y) => Float(group, columns, x, y, -2);

        public static void F16(byte* group, int columns, float* x, float* y) => Float(group, columns, x, y, 2);

        /// <param name="size">4 = f32, 2 = f16, -2 = bf16.</param>
        private static void Float(byte* group, int columns, float* x, float* y, int size)
        {
            for (var r = 0; r < Rows; r++)
            {
                float p0 = 0, p1 = 0, p2 = 0, p3 = 0;
                for (var k = 0; k < columns; k++)
                {
                    var index = k * Rows + r;
                    var w = size switch
                    {
                        4 => ((float*)group)[index],
                        2 => HalfBits.HalfToSingle(((ushort*)group)[index]),
                        _ => HalfBits.BFloat16ToSingle(((ushort*)group)[index]),
                    };
                    switch (k & 3)
                    {
                        case 0: p0 = MathF.FusedMultiplyAdd(w, x[k], p0); break;
                        case 1: p1 = MathF.FusedMultiplyAdd(w, x[k], p1); break;
                        case 2: p2 = MathF.FusedMultiplyAdd(w, x[k], p2); break;
                        default: p3 = MathF.FusedMultiplyAdd(w, x[k], p3); break;
                    }
                }
                y[r] = (p0 + p1) + (p2 + p3);
            }
        }
    }

    /// <summary><see cref="Vector128"/> code for any CPU; also the float path on ARM64, where it compiles to NEON FMLA.</summary>
    public static class Portable
    {
        public static void Q8(byte* group, int blocks, int scaleBytes, in QuantizedInput x, float* y)
        {
            var quants = (sbyte*)(group + scaleBytes);
            var sums = stackalloc int[Rows];
            var acc = new FloatRows();
            for (var b = 0; b < blocks; b++)
            {
                var block = quants + b * PackedLayout.Q8BlockBytes;
                var xb = x.Values + b * PackedLayout.BlockSize;
                for (var quarter = 0; quarter < 4; quarter++)
                {
                    var (a0, a1, a2, a3) = (Vector128<int>.Zero, Vector128<int>.Zero, Vector128<int>.Zero, Vector128<int>.Zero);
                    for (var j = 0; j < PackedLayout.BlockSize / PackedLayout.ChunkColumns; j++)
                    {
                        var w = Vector128.Load(block + j * PackedLayout.ChunkBytes + quarter * 16);
                        var xq = Vector128.Create(*(int*)(xb + j * 4)).AsSByte();
                        Accumulate4Rows(w, xq, ref a0, ref a1, ref a2, ref a3);
                    }
                    sums[quarter * 4] = Vector128.Sum(a0);
                    sums[quarter * 4 + 1] = Vector128.Sum(a1);
                    sums[quarter * 4 + 2] = Vector128.Sum(a2);
                    sums[quarter * 4 + 3] = Vector128.Sum(a3);
                }
                acc.AddBlock(sums, (ushort*)group + b * Rows, x.Scales[b]);
            }
            acc.Store(y);
        }

        public static void Q4(byte* group, int blocks, int scaleBytes, in QuantizedInput x, float* y)
        {
            var quants = group + scaleBytes;
            var sums = stackalloc int[Rows];
            var acc = new FloatRows();
            var mask = Vector128.Create((byte)0x0f);
            for (var b = 0; b < blocks; b++)
            {
                var block = quants + b * PackedLayout.Q4BlockBytes;
                var xb = x.Values + b * PackedLayout.BlockSize;
                for (var quarter = 0; quarter < 4; quarter++)
                {
                    var (a0, a1, a2, a3) = (Vector128<int>.Zero, Vector128<int>.Zero, Vector128<int>.Zero, Vector128<int>.Zero);
                    for (var u = 0; u < 4; u++)
                    {
                        var packed = Vector128.Load(block + u * PackedLayout.ChunkBytes + quarter * 16);
                        Accumulate4Rows((packed & mask).AsSByte(), Vector128.Create(*(int*)(xb + u * 8)).AsSByte(), ref a0, ref a1, ref a2, ref a3);
                        Accumulate4Rows(Vector128.ShiftRightLogical(packed, 4).AsSByte(), Vector128.Create(*(int*)(xb + u * 8 + 4)).AsSByte(), ref a0, ref a1, ref a2, ref a3);
                    }
                    var correction = 8 * x.Sums[b];
                    sums[quarter * 4] = Vector128.Sum(a0) - correction;
                    sums[quarter * 4 + 1] = Vector128.Sum(a1) - correction;
                    sums[quarter * 4 + 2] = Vector128.Sum(a2) - correction;
                    sums[quarter * 4 + 3] = Vector128.Sum(a3) - correction;
                }
                acc.AddBlock(sums, (ushort*)group + b * Rows, x.Scales[b]);
            }
            acc.Store(y);
        }

        /// <summary>w: 4 rows x 4 columns of int8; x: the same 4 activations in each quarter. Adds each row's 4 products to its lanes.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Accumulate4Rows(Vector128<sbyte> w, Vector128<sbyte> x, ref Vector128<int> a0, ref Vector128<int> a1, ref Vector128<int> a2, ref Vector128<int> a3)
        {
            var (wLo, wHi) = Vector128.Widen(w);
            var (xLo, xHi) = Vector128.Widen(x);
            // |w * x| <= 128 * 127 fits int16; widen before adding.
            var (p0, p1) = Vector128.Widen(wLo * xLo);
            var (p2, p3) = Vector128.Widen(wHi * xHi);
            a0 += p0;
            a1 += p1;
            a2 += p2;
            a3 += p3;
        }

        public static void F32(byte* group, int columns, float* x, float* y) => Float<F32Rows>(group, columns, x, y);

        public static void BF16(byte* group, int columns, float* x, float* y) => Float<BF16Rows>(group, columns, x, y);

        public static void F16(byte* group, int columns, float* x, float* y) => Float<F16Rows>(group, columns, x, y);

        private static void Float<TRows>(byte* group, int columns, float* x, float* y)
            where TRows : struct, IFloatRows
        {
            Vector128<float> p0a = default, p0b = default, p0c = default, p0d = default;
            Vector128<float> p1a = default, p1b = default, p1c = default, p1d = default;
            Vector128<float> p2a = default, p2b = default, p2c = default, p2d = default;
            Vector128<float> p3a = default, p3b = default, p3c = default, p3d = default;
            var k = 0;
            for (; k + 4 <= columns; k += 4)
            {
                Fma<TRows>(group, k, x[k], ref p0a, ref p0b, ref p0c, ref p0d);
                Fma<TRows>(group, k + 1, x[k + 1], ref p1a, ref p1b, ref p1c, ref p1d);
                Fma<TRows>(group, k + 2, x[k + 2], ref p2a, ref p2b, ref p2c, ref p2d);
                Fma<TRows>(group, k + 3, x[k + 3], ref p3a, ref p3b, ref p3c, ref p3d);
            }
            if (k < columns)
            {
                Fma<TRows>(group, k, x[k], ref p0a, ref p0b, ref p0c, ref p0d);
            }
            if (k + 1 < columns)
            {
                Fma<TRows>(group, k + 1, x[k + 1], ref p1a, ref p1b, ref p1c, ref p1d);
            }
            if (k + 2 < columns)
            {
                Fma<TRows>(group, k + 2, x[k + 2], ref p2a, ref p2b, ref p2c, ref p2d);
            }
            ((p0a + p1a) + (p2a + p3a)).Store(y);
            ((p0b + p1b) + (p2b + p3b)).Store(y + 4);
            ((p0c + p1c) + (p2c + p3c)).Store(y + 8);
            ((p0d + p1d) + (p2d + p3d)).Store(y + 12);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Fma<TRows>(byte* group, int k, float x, ref Vector128<float> pa, ref Vector128<float> pb, ref Vector128<float> pc, ref Vector128<float> pd)
            where TRows : struct, IFloatRows
        {
            var (a, b, c, d) = TRows.Load(group, k);
            var xv = Vector128.Create(x);
            pa = Vector128.FusedMultiplyAdd(a, xv, pa);
            pb = Vector128.FusedMultiplyAdd(b, xv, pb);
            pc = Vector128.FusedMultiplyAdd(c, xv, pc);
            pd = Vector128.FusedMultiplyAdd(d, xv, pd);
        }

        /// <summary>Loads column k of a float-format group as 16 f32 (rows 0..15).</summary>
        private interface IFloatRows
        {
            static abstract (Vector128<float>, Vector128<float>, Vector128<float>, Vector128<float>) Load(byte* group, int k);
        }

        private readonly struct F32Rows : IFloatRows
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public static (Vector128<float>, Vector128<float>, Vector128<float>, Vector128<float>) Load(byte* group, int k)
            {
                var w = (float*)group + k * Rows;
                return (Vector128.Load(w), Vector128.Load(w + 4), Vector128.Load(w + 8), Vector128.Load(w + 12));
            }
        }

        private readonly struct BF16Rows : IFloatRows
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public static (Vector128<float>, Vector128<float>, Vector128<float>, Vector128<float>) Load(byte* group, int k)
            {
                var w = (ushort*)group + k * Rows;
                var (a, b) = Vector128.Widen(Vector128.Load(w));
                var (c, d) = Vector128.Widen(Vector128.Load(w + 8));
                return (Vector128.ShiftLeft(a, 16).AsSingle(), Vector128.ShiftLeft(b, 16).AsSingle(), Vector128.ShiftLeft(c, 16).AsSingle(), Vector128.ShiftLeft(d, 16).AsSingle());
            }
        }

        private readonly struct F16Rows : IFloatRows
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public static (Vector128<float>, Vector128<float>, Vector128<float>, Vector128<float>) Load(byte* group, int k)
            {
                var w = (ushort*)group + k * Rows;
                var (a, b) = Vector128.Widen(Vector128.Load(w));
                var (c, d) = Vector128.Widen(Vector128.Load(w + 8));
                return (HalfBits.HalfToSingle(a), HalfBits.HalfToSingle(b), HalfBits.HalfToSingle(c), HalfBits.HalfToSingle(d));
            }
        }

        /// <summary>16 row accumulators of the block formats' float step.</summary>
        private struct FloatRows
        {
            private Vector128<float> _a, _b, _c, _d;

            public void AddBlock(int* sums, ushort* scales, float activationScale)
            {
                var xs = Vector128.Create(activationScale);
                var (s0, s1) = Vector128.Widen(Vector128.Load(scales));
                var (s2, s3) = Vector128.Widen(Vector128.Load(scales + 8));
                _a = Step(_a, sums, s0, xs);
                _b = Step(_b, sums + 4, s1, xs);
                _c = Step(_c, sums + 8, s2, xs);
                _d = Step(_d, sums + 12, s3, xs);
            }

            public readonly void Store(float* y)
            {
                _a.Store(y);
                _b.Store(y + 4);
                _c.Store(y + 8);
                _d.Store(y + 12);
            }

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            private static Vector128<float> Step(Vector128<float> acc, int* sums, Vector128<uint> scales, Vector128<float> xs)
            {
                var ws = HalfBits.HalfToSingle(scales);
                return Vector128.FusedMultiplyAdd(Vector128.ConvertToSingle(Vector128.Load(sums)), ws * xs, acc);
            }
        }
    }
}
