using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Qwen3Tts.Inference.Kernels.Float;

/// <summary>
/// sin²(z) for SnakeBeta, the same arithmetic on every vector width and in scalar code, so every path gives the
/// same bits. The square loses the sign, so z is reduced by whole multiples of π (not 2π): k = round(z/π),
/// r = z − k·π in two fused steps (π split into its float and the remainder), |r| ≤ π/2, then an odd degree-11
/// polynomial fitted to sin on [−π/2 − 0.02, π/2 + 0.02]. Error against a double-precision sin², measured
/// over 2 M random z: ≤ 2.5e-7 absolute for |z| ≤ 32768 and ≤ 2.8e-7 up to 1e6 (the polynomial alone: 1.2e-7
/// relative). Beyond <see cref="ReducedRange"/> the float k stops being exact, so such values take
/// <see cref="MathF.Sin"/> (never in a trained decoder: x·e^α stays within a few hundred).
/// </summary>
internal static class SnakeSine
{
    /// <summary>|z| above this is not reduced here (k would need more than the float's 24 bits soon after).</summary>
    public const float ReducedRange = 1 << 20;

    private const float InversePi = 0.31830987334251404f;
    private const float PiHigh = 3.1415927410125732f;
    private const float PiLow = -8.742277657347586e-08f;

    // sin r ≈ r + r³·(C1 + r²·(C2 + r²·(C3 + r²·(C4 + r²·C5)))), a reweighted least-squares (near-minimax) fit.
    private const float C1 = -0.1666666716337204f;
    private const float C2 = 0.008333330973982811f;
    private const float C3 = -0.00019840836466755718f;
    private const float C4 = 2.7523697099240962e-06f;
    private const float C5 = -2.3858870434878554e-08f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Squared(float z)
    {
        if (!(MathF.Abs(z) <= ReducedRange))
        {
            var s = MathF.Sin(z);
            return s * s;
        }
        var k = MathF.Round(z * InversePi);
        var r = MathF.FusedMultiplyAdd(-k, PiHigh, z);
        r = MathF.FusedMultiplyAdd(-k, PiLow, r);
        var r2 = r * r;
        var p = MathF.FusedMultiplyAdd(C5, r2, C4);
        p = MathF.FusedMultiplyAdd(p, r2, C3);
        p = MathF.FusedMultiplyAdd(p, r2, C2);
        p = MathF.FusedMultiplyAdd(p, r2, C1);
        var sine = MathF.FusedMultiplyAdd(r2 * r, p, r);
        return sine * sine;
    }

    /// <summary>Every lane must be within <see cref="ReducedRange"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Squared(Vector512<float> z)
    {
        var k = Vector512.Round(z * Vector512.Create(InversePi));
        var r = Vector512.FusedMultiplyAdd(-k, Vector512.Create(PiHigh), z);
        r = Vector512.FusedMultiplyAdd(-k, Vector512.Create(PiLow), r);
        var r2 = r * r;
        var p = Vector512.FusedMultiplyAdd(Vector512.Create(C5), r2, Vector512.Create(C4));
        p = Vector512.FusedMultiplyAdd(p, r2, Vector512.Create(C3));
        p = Vector512.FusedMultiplyAdd(p, r2, Vector512.Create(C2));
        p = Vector512.FusedMultiplyAdd(p, r2, Vector512.Create(C1));
        var sine = Vector512.FusedMultiplyAdd(r2 * r, p, r);
        return sine * sine;
    }

    /// <summary>Every lane must be within <see cref="ReducedRange"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Squared(Vector256<float> z)
    {
        var k = Vector256.Round(z * Vector256.Create(InversePi));
        var r = Vector256.FusedMultiplyAdd(-k, Vector256.Create(PiHigh), z);
        r = Vector256.FusedMultiplyAdd(-k, Vector256.Create(PiLow), r);
        var r2 = r * r;
        var p = Vector256.FusedMultiplyAdd(Vector256.Create(C5), r2, Vector256.Create(C4));
        p = Vector256.FusedMultiplyAdd(p, r2, Vector256.Create(C3));
        p = Vector256.FusedMultiplyAdd(p, r2, Vector256.Create(C2));
        p = Vector256.FusedMultiplyAdd(p, r2, Vector256.Create(C1));
        var sine = Vector256.FusedMultiplyAdd(r2 * r, p, r);
        return sine * sine;
    }

    /// <summary>Every lane must be within <see cref="ReducedRange"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Squared(Vector128<float> z)
    {
        var k = Vector128.Round(z * Vector128.Create(InversePi));
        var r = Vector128.FusedMultiplyAdd(-k, Vector128.Create(PiHigh), z);
        r = Vector128.FusedMultiplyAdd(-k, Vector128.Create(PiLow), r);
        var r2 = r * r;
        var p = Vector128.FusedMultiplyAdd(Vector128.Create(C5), r2, Vector128.Create(C4));
        p = Vector128.FusedMultiplyAdd(p, r2, Vector128.Create(C3));
        p = Vector128.FusedMultiplyAdd(p, r2, Vector128.Create(C2));
        p = Vector128.FusedMultiplyAdd(p, r2, Vector128.Create(C1));
        var sine = Vector128.FusedMultiplyAdd(r2 * r, p, r);
        return sine * sine;
    }
}
