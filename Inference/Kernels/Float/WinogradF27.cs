using System.Numerics;
using System.Runtime.CompilerServices;

namespace Qwen3Tts.Inference.Kernels.Float;

/// <summary>
/// Winograd F(2, 7): two outputs of a 7-tap correlation, y0 = Σ_j g_j·x_j and y1 = Σ_j g_j·x_{j+1}, from 8 products
/// of transformed filters and transformed inputs instead of 14. Points 0, ±1, ±2, ±1/2 and ∞ (the Toom-Cook
/// construction, exact in rationals); each input-transform row is scaled to small integers and the filter transform
/// carries the inverse scale, so the input transform is exact in its coefficients.
/// Two properties the streaming conv relies on: x0 reaches only product 0, which y1 does not use, and x7 reaches
/// only product 7, which y0 does not use. So y0 never reads x7 and y1 never reads x0, and an output whose pair
/// partner lies outside a call comes out with the same bits as inside a complete pair.
/// The transforms are plain multiplies and adds (no fused multiply-add) in a fixed order, so every vector width and
/// the scalar code give the same bits.
/// </summary>
internal static unsafe class WinogradF27
{
    public const int Taps = 7;

    /// <summary>Products per output pair (and transformed inputs per pair).</summary>
    public const int Points = 8;

    /// <summary>Filter transform G (8 × 7): point rows p^j, divided by the scale of the matching input-transform row.</summary>
    private static readonly double[,] FilterTransform = BuildFilterTransform();

    private static double[,] BuildFilterTransform()
    {
        double[] points = [0, 1, -1, 2, -2, 0.5, -0.5];
        double[] scales = [4, 18, 18, 360, 360, 45.0 / 16, 45.0 / 16, 4];
        var g = new double[Points, Taps];
        for (var k = 0; k < points.Length; k++)
        {
            for (var j = 0; j < Taps; j++)
            {
                g[k, j] = Math.Pow(points[k], j) / scales[k];
            }
        }
        g[Points - 1, Taps - 1] = 1 / scales[Points - 1];
        return g;
    }

    /// <summary>The 8 transformed filters of one 7-tap filter (computed in double, rounded once).</summary>
    public static void TransformFilter(ReadOnlySpan<float> taps, Span<float> transformed)
    {
        for (var k = 0; k < Points; k++)
        {
            var sum = 0.0;
            for (var j = 0; j < Taps; j++)
            {
                sum += FilterTransform[k, j] * taps[j];
            }
            transformed[k] = (float)sum;
        }
    }

    /// <summary>
    /// Transforms 8 input rows (<paramref name="x"/>[j], any of which may be a zero row) into 8 rows of
    /// <paramref name="v"/>, row k at <c>v + k·vStride</c>, over the first <paramref name="width"/> floats
    /// (a multiple of the vector width).
    /// </summary>
    public static void TransformInput(float** x, float* v, long vStride, int width)
    {
        var n = Vector<float>.Count;
        for (var c = 0; c < width; c += n)
        {
            var x0 = Load(x[0] + c);
            var x1 = Load(x[1] + c);
            var x2 = Load(x[2] + c);
            var x3 = Load(x[3] + c);
            var x4 = Load(x[4] + c);
            var x5 = Load(x[5] + c);
            var x6 = Load(x[6] + c);
            var x7 = Load(x[7] + c);
            var odd = x1 + x5;
            var even = x2 + x6;
            var p = (x2 - x4 * 5f) + x6 * 4f;
            var q = (x1 - x3 * 5f) + x5 * 4f;
            var u = (x1 * 4f - x3 * 5f) + x5;
            var w = (x2 * 4f - x4 * 5f) + x6;
            Store(v + c, (x0 - x6) * 4f + (x4 - x2) * 21f);
            Store(v + vStride + c, (x3 + x4) * 17f - (odd + even) * 4f);
            Store(v + 2 * vStride + c, (x4 - x3) * 17f + (odd - even) * 4f);
            Store(v + 3 * vStride + c, p + q * 2f);
            Store(v + 4 * vStride + c, p - q * 2f);
            Store(v + 5 * vStride + c, u + w * 2f);
            Store(v + 6 * vStride + c, w * 2f - u);
            Store(v + 7 * vStride + c, (x7 - x1) * 4f + (x3 - x5) * 21f);
        }
    }

    /// <summary>
    /// The two outputs of a pair from its 8 products (product k at <c>m + k·mStride</c>), plus the bias, over
    /// <paramref name="width"/> floats; either output pointer may be null (that output lies outside the call).
    /// </summary>
    public static void TransformOutput(float* m, long mStride, float* bias, float* y0, float* y1, int width)
    {
        var n = Vector<float>.Count;
        for (var c = 0; c < width; c += n)
        {
            var b = Load(bias + c);
            var m1 = Load(m + mStride + c);
            var m2 = Load(m + 2 * mStride + c);
            var m3 = Load(m + 3 * mStride + c);
            var m4 = Load(m + 4 * mStride + c);
            var m5 = Load(m + 5 * mStride + c);
            var m6 = Load(m + 6 * mStride + c);
            if (y0 != null)
            {
                Store(y0 + c, ((Load(m + c) + (m1 + m2)) + ((m3 + m4) + (m5 + m6))) + b);
            }
            if (y1 != null)
            {
                Store(y1 + c, (((m1 - m2) + (m3 - m4) * 2f) + ((m5 - m6) * 0.5f + Load(m + 7 * mStride + c))) + b);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Load(float* p) => Unsafe.ReadUnaligned<Vector<float>>(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* p, Vector<float> value) => Unsafe.WriteUnaligned(p, value);
}
