namespace Qwen3Tts.Tests.SpeakerEncoder;

/// <summary>
/// Deterministic speech-like audio at 24 kHz: a glottal-like harmonic series (12 harmonics, 1/h
/// amplitudes) on a gliding 120 ± 30 Hz fundamental, syllable-rate (2.5 Hz) loudness envelope, plus
/// a little white noise from a 32-bit LCG so the quiet gaps are not digital silence. Peak ~0.5.
/// </summary>
public static class SpeechLikeSignal
{
    public static float[] Create(int samples, int seed = 1)
    {
        const double sr = 24000;
        var audio = new float[samples];
        var state = (uint)seed;
        var phase = 0.0;
        for (var n = 0; n < samples; n++)
        {
            var t = n / sr;
            var f0 = 120 + 30 * Math.Sin(2 * Math.PI * 0.7 * t + seed);
            phase += 2 * Math.PI * f0 / sr;
            var voiced = 0.0;
            for (var h = 1; h <= 12; h++)
            {
                voiced += Math.Sin(h * phase) / h;
            }
            var envelope = 0.5 * (1 - Math.Cos(2 * Math.PI * 2.5 * t));
            state = state * 1664525u + 1013904223u;
            var noise = (state >> 8) / (double)(1 << 24) * 2 - 1;
            audio[n] = (float)(0.15 * envelope * voiced + 0.01 * noise);
        }
        return audio;
    }
}

/// <summary>Clips and their reference log-mels, computed once per test run (the 3 s reference DFT takes seconds).</summary>
public static class ReferenceClips
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(int, int), Lazy<(float[] Audio, double[][] Mel)>> Cache = new();

    public static (float[] Audio, double[][] Mel) Get(int samples, int seed) =>
        Cache.GetOrAdd((samples, seed), key => new(() =>
        {
            var audio = SpeechLikeSignal.Create(key.Item1, key.Item2);
            return (audio, Oracle.SpeakerMelReference.LogMel(audio));
        })).Value;
}
