namespace Qwen3Tts.Tests.Audio.Encoders;

/// <summary>Signals whose alignment is unambiguous (a chirp does not repeat) and ways to compare decoded audio with them.</summary>
internal static class TestSignals
{
    /// <summary>A 200 Hz to 3 kHz linear chirp at half scale, with a gentle fade at both ends.</summary>
    public static float[] Chirp(int length, int sampleRate = 24_000)
    {
        var samples = new float[length];
        var seconds = length / (double)sampleRate;
        for (var i = 0; i < length; i++)
        {
            var t = i / (double)sampleRate;
            var phase = 2 * Math.PI * (200 * t + (3000 - 200) / (2 * seconds) * t * t);
            var fade = Math.Min(1.0, Math.Min(i, length - 1 - i) / 240.0);
            samples[i] = (float)(0.5 * fade * Math.Sin(phase));
        }
        return samples;
    }

    /// <summary>Normalized correlation of <paramref name="decoded"/> shifted by <paramref name="lag"/> against <paramref name="reference"/>.</summary>
    public static double Correlation(ReadOnlySpan<float> reference, ReadOnlySpan<float> decoded, int lag)
    {
        double dot = 0, a = 0, b = 0;
        for (var i = 0; i < reference.Length; i++)
        {
            var j = i + lag;
            var y = j >= 0 && j < decoded.Length ? decoded[j] : 0f;
            dot += reference[i] * y;
            a += reference[i] * reference[i];
            b += y * y;
        }
        return a == 0 || b == 0 ? 0 : dot / Math.Sqrt(a * b);
    }

    /// <summary>The lag in [<paramref name="minLag"/>, <paramref name="maxLag"/>] with the highest correlation, and that correlation.</summary>
    public static (int Lag, double Correlation) BestLag(ReadOnlySpan<float> reference, ReadOnlySpan<float> decoded, int minLag, int maxLag)
    {
        var best = (Lag: minLag, Correlation: double.MinValue);
        for (var lag = minLag; lag <= maxLag; lag++)
        {
            var c = Correlation(reference, decoded, lag);
            if (c > best.Correlation)
            {
                best = (lag, c);
            }
        }
        return best;
    }

    public static float[] ToFloat(short[] pcm) => [.. pcm.Select(s => s / 32768f)];
}
