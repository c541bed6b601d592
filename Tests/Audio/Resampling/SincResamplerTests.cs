using Qwen3Tts.Inference.Audio.Resampling;
using Xunit.Abstractions;

namespace Qwen3Tts.Tests.Audio.Resampling;

/// <summary>
/// Sine sweeps through the resampler, judged in 10 ms blocks against the ideal band-limited result: where the
/// sweep is in the passband the output must equal the sweep (anything else, aliases, images or ripple, is error),
/// where it is above the output's Nyquist (or the input's, upsampling) the output must be silent.
/// </summary>
public sealed class SincResamplerTests(ITestOutputHelper output)
{
    private const double Seconds = 1.5;

    [Theory]
    [InlineData(48000)]
    [InlineData(44100)]
    [InlineData(96000)]
    [InlineData(32000)]
    [InlineData(22050)]
    [InlineData(16000)]
    [InlineData(8000)]
    [InlineData(44056)] // gcd 8: 3000 exact phases
    [InlineData(48007)] // coprime with 24000: interpolated phases
    public void ASweepComesOutCleanWithAliasingBelowMinus60Db(int fromRate)
    {
        const int toRate = 24000;
        var top = 0.995 * fromRate / 2;
        var input = Sweep(fromRate, top, n => n / (double)fromRate);

        var resampled = SincResampler.Resample(input, fromRate, toRate);

        Assert.Equal((long)Math.Ceiling(input.Length * (double)toRate / fromRate), resampled.Length);
        var ideal = Sweep(toRate, top, n => n / (double)toRate, resampled.Length);
        var nyquist = Math.Min(fromRate, toRate) / 2.0;
        double worstPass = double.NegativeInfinity, worstStop = double.NegativeInfinity;
        var block = toRate / 100;
        for (var start = block * 3; start + block <= resampled.Length - block * 3; start += block)
        {
            var f = Frequency(top, (start + block / 2) / (double)toRate);
            double error = 0, signal = 0, energy = 0;
            for (var n = start; n < start + block; n++)
            {
                var d = resampled[n] - ideal[n];
                error += d * d;
                signal += ideal[n] * ideal[n];
                energy += resampled[n] * resampled[n];
            }
            if (f < 0.88 * nyquist)
            {
                worstPass = Math.Max(worstPass, 10 * Math.Log10(error / signal));
            }
            else if (f > nyquist)
            {
                worstStop = Math.Max(worstStop, 10 * Math.Log10(energy / (0.5 * block) + 1e-30));
            }
        }
        output.WriteLine($"{fromRate} -> {toRate}: passband error {worstPass:F1} dB, above Nyquist {worstStop:F1} dB");
        Assert.True(worstPass < -60, $"passband error (aliases, images, ripple) {worstPass:F1} dB");
        if (fromRate > toRate)
        {
            Assert.True(worstStop < -60, $"content above the output Nyquist leaks at {worstStop:F1} dB");
        }
    }

    [Fact]
    public void UpsamplingLeavesNoImageOfAToneAboveTheInputNyquist()
    {
        // A 7 kHz tone at 16 kHz has its first image at 9 kHz, which 24 kHz can represent: it must be gone.
        var tone = Enumerable.Range(0, 16000).Select(n => (float)Math.Sin(2 * Math.PI * 7000 * n / 16000.0)).ToArray();

        var up = SincResampler.Resample(tone, 16000, 24000);

        var slice = up.AsSpan(1000, up.Length - 2000).ToArray();
        var image = Goertzel(slice, 9000, 24000);
        var wanted = Goertzel(slice, 7000, 24000);
        output.WriteLine($"image at 9 kHz: {20 * Math.Log10(image / wanted):F1} dB");
        Assert.True(20 * Math.Log10(image / wanted) < -60);
    }

    [Fact]
    public void TheSameRateIsACopyAndDcPassesAtUnitGain()
    {
        var samples = new[] { 0.5f, -0.25f, 0.125f };
        Assert.Equal(samples, SincResampler.Resample(samples, 24000, 24000));

        var dc = Enumerable.Repeat(0.5f, 44100).ToArray();
        var out24 = SincResampler.Resample(dc, 44100, 24000);
        Assert.All(out24.AsSpan(500, out24.Length - 1000).ToArray(), v => Assert.Equal(0.5f, v, 1e-4f));
        Assert.Empty(SincResampler.Resample([], 48000, 24000));
    }

    private static float[] Sweep(int rate, double top, Func<long, double> time, long? length = null)
    {
        var count = length ?? (long)(Seconds * rate);
        var k = (top - 20) / Seconds;
        var x = new float[count];
        for (long n = 0; n < count; n++)
        {
            var t = time(n);
            x[n] = (float)(0.5 * Math.Sin(2 * Math.PI * (20 * t + k * t * t / 2)));
        }
        return x;
    }

    private static double Frequency(double top, double t) => 20 + (top - 20) / Seconds * t;

    private static double Goertzel(float[] x, double frequency, int rate)
    {
        double re = 0, im = 0;
        for (var n = 0; n < x.Length; n++)
        {
            var w = 2 * Math.PI * frequency * n / rate;
            var hann = 0.5 - 0.5 * Math.Cos(2 * Math.PI * n / (x.Length - 1));
            re += x[n] * hann * Math.Cos(w);
            im -= x[n] * hann * Math.Sin(w);
        }
        return Math.Sqrt(re * re + im * im);
    }
}
