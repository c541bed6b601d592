namespace Qwen3Tts.Tests.Oracle;

/// <summary>Functions .NET lacks, in double, written for accuracy rather than speed.</summary>
public static class ReferenceMath
{
    /// <summary>
    /// erf to ~1e-15: the Maclaurin series below |x| = 2.5 (terms peak near e^(x²) ≈ 500, so about 3 digits are
    /// lost of 16), the erfc continued fraction (modified Lentz) above, where it converges in a few dozen terms.
    /// </summary>
    public static double Erf(double x)
    {
        if (double.IsNaN(x))
        {
            return x;
        }
        var a = Math.Abs(x);
        double result;
        if (a < 2.5)
        {
            double term = a, sum = a;
            for (var n = 1; n < 200; n++)
            {
                term *= -a * a / n;
                var contribution = term / (2 * n + 1);
                sum += contribution;
                if (Math.Abs(contribution) < 1e-17 * Math.Abs(sum))
                {
                    break;
                }
            }
            result = 2 / Math.Sqrt(Math.PI) * sum;
        }
        else
        {
            result = 1 - Erfc(a);
        }
        return x < 0 ? -result : result;
    }

    /// <summary>erfc(x) for x ≥ 2.5: e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …))))).</summary>
    private static double Erfc(double x)
    {
        const double tiny = 1e-300;
        var f = x;
        var c = x;
        var d = 0.0;
        for (var n = 1; n < 500; n++)
        {
            var an = n / 2.0;
            d = x + an * d;
            d = Math.Abs(d) < tiny ? tiny : d;
            c = x + an / c;
            c = Math.Abs(c) < tiny ? tiny : c;
            d = 1 / d;
            var delta = c * d;
            f *= delta;
            if (Math.Abs(delta - 1) < 1e-16)
            {
                break;
            }
        }
        return Math.Exp(-x * x) / Math.Sqrt(Math.PI) / f;
    }
}
