namespace Qwen3Tts.Inference.Audio;

/// <summary>How a WAV file stores its samples.</summary>
public enum WavSampleEncoding
{
    Pcm,
    Float,
}

/// <summary>A decoded WAV file: its samples averaged to mono, and the format they came in.</summary>
public sealed record WavAudio(float[] Samples, int SampleRate, int Channels, int BitsPerSample, WavSampleEncoding Encoding)
{
    public double DurationSeconds => Samples.Length / (double)SampleRate;

    /// <summary>e.g. "16-bit PCM, 2 channels, 44100 Hz".</summary>
    public string Describe() =>
        $"{BitsPerSample}-bit {(Encoding == WavSampleEncoding.Float ? "float" : "PCM")}, {Channels} channel{(Channels == 1 ? "" : "s")}, {SampleRate} Hz";
}
