namespace Qwen3Tts.Tests.Oracle;

/// <summary>
/// The official speaker-encoder front end (`mel_spectrogram` + `dynamic_range_compression_torch` as
/// `extract_speaker_embedding` calls them) in plain double loops: librosa's Slaney filterbank written
/// out from its definition, explicit reflect padding, a textbook recursive FFT per frame, a dense mel product.
/// Shares nothing with the engine's FFT or sparse filterbank.
/// </summary>
public static class SpeakerMelReference
{
    public const int NFft = 1024, Hop = 256, Win = 1024, Mels = 128, Sr = 24000;

    /// <summary>librosa.filters.mel(sr, n_fft, n_mels, fmin, fmax) with htk=False, norm="slaney", dtype float32.</summary>
    public static float[,] LibrosaMel(int sr, int nFft, int nMels, double fmin, double fmax)
    {
        static double HzToMel(double f)
        {
            const double fSp = 200.0 / 3;
            var mel = f / fSp;
            const double minLogHz = 1000.0;
            var minLogMel = minLogHz / fSp;
            var logstep = Math.Log(6.4) / 27.0;
            return f >= minLogHz ? minLogMel + Math.Log(f / minLogHz) / logstep : mel;
        }
        static double MelToHz(double m)
        {
            const double fSp = 200.0 / 3;
            var f = fSp * m;
            const double minLogHz = 1000.0;
            var minLogMel = minLogHz / fSp;
            var logstep = Math.Log(6.4) / 27.0;
            return m >= minLogMel ? minLogHz * Math.Exp(logstep * (m - minLogMel)) : f;
        }
        var bins = 1 + nFft / 2;
        var fftFreqs = new double[bins];
        for (var k = 0; k < bins; k++)
        {
            fftFreqs[k] = k * (sr / 2.0) / (bins - 1);
        }
        var n = nMels + 2;
        var lo = HzToMel(fmin);
        var hi = HzToMel(fmax);
        var melF = new double[n];
        for (var i = 0; i < n; i++)
        {
            melF[i] = MelToHz(i == n - 1 ? hi : lo + i * ((hi - lo) / (n - 1)));
        }
        var weights = new float[nMels, bins];
        for (var i = 0; i < nMels; i++)
        {
            var enorm = 2.0 / (melF[i + 2] - melF[i]);
            for (var k = 0; k < bins; k++)
            {
                var lower = (fftFreqs[k] - melF[i]) / (melF[i + 1] - melF[i]);
                var upper = (melF[i + 2] - fftFreqs[k]) / (melF[i + 2] - melF[i + 1]);
                float tri = (float)Math.Max(0, Math.Min(lower, upper));
                weights[i, k] = (float)(tri * enorm);
            }
        }
        return weights;
    }

    /// <summary>Log-mel frames [T][128] (the (1, T, 128) the network takes) of 24 kHz audio.</summary>
    public static double[][] LogMel(float[] y)
    {
        var basis = LibrosaMel(Sr, NFft, Mels, 0, 12000);
        var pad = (NFft - Hop) / 2;
        var padded = new double[y.Length + 2 * pad];
        for (var i = 0; i < padded.Length; i++)
        {
            var j = i - pad;
            if (j < 0)
            {
                j = -j;
            }
            else if (j >= y.Length)
            {
                j = 2 * (y.Length - 1) - j;
            }
            padded[i] = y[j];
        }
        var window = new double[Win];
        for (var i = 0; i < Win; i++)
        {
            window[i] = 0.5 * (1 - Math.Cos(2 * Math.PI * i / Win));
        }
        var frames = (padded.Length - NFft) / Hop + 1;
        var bins = NFft / 2 + 1;
        var result = new double[frames][];
        var magnitude = new double[bins];
        var windowed = new double[NFft];
        for (var t = 0; t < frames; t++)
        {
            for (var i = 0; i < NFft; i++)
            {
                windowed[i] = padded[t * Hop + i] * window[i];
            }
            var spectrum = Dft(windowed.Select(v => new System.Numerics.Complex(v, 0)).ToArray());
            for (var k = 0; k < bins; k++)
            {
                var re = spectrum[k].Real;
                var im = spectrum[k].Imaginary;
                magnitude[k] = Math.Sqrt(re * re + im * im + 1e-9);
            }
            result[t] = new double[Mels];
            for (var m = 0; m < Mels; m++)
            {
                double sum = 0;
                for (var k = 0; k < bins; k++)
                {
                    sum += basis[m, k] * magnitude[k];
                }
                result[t][m] = Math.Log(Math.Max(sum, 1e-5));
            }
        }
        return result;
    }

    /// <summary>The textbook recursive radix-2 Cooley–Tukey DFT, X[k] = Σ x[n] e^{−2πikn/N}.</summary>
    public static System.Numerics.Complex[] Dft(System.Numerics.Complex[] x)
    {
        var n = x.Length;
        if (n == 1)
        {
            return [x[0]];
        }
        var even = Dft(x.Where((_, i) => i % 2 == 0).ToArray());
        var odd = Dft(x.Where((_, i) => i % 2 == 1).ToArray());
        var result = new System.Numerics.Complex[n];
        for (var k = 0; k < n / 2; k++)
        {
            var twiddled = System.Numerics.Complex.FromPolarCoordinates(1, -2 * Math.PI * k / n) * odd[k];
            result[k] = even[k] + twiddled;
            result[k + n / 2] = even[k] - twiddled;
        }
        return result;
    }
}
