namespace Qwen3Tts.Client;

/// <summary>Mono float samples in [-1, 1] at <see cref="SampleRate"/>.</summary>
public sealed record SynthesizedAudio(float[] Samples, int SampleRate)
{
    public const int CodecSampleRate = 24_000;

    public TimeSpan Duration => TimeSpan.FromSeconds(Samples.Length / (double)SampleRate);
}
