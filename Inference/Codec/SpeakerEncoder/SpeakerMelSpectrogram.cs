using System.Buffers;
using System.Numerics;

namespace Qwen3Tts.Inference.Codec.SpeakerEncoder;

/// <summary>
/// The speaker encoder's front end exactly as the official `extract_speaker_embedding` computes it
/// (qwen3-tts-model.md §5): reflect-pad (n_fft - hop) / 2 = 384 samples on each side, frames of 1024
/// every 256 samples (center=False) under a periodic Hann window, magnitude sqrt(re² + im² + 1e-9),
/// the Slaney mel filterbank (128 bands, 0..12 kHz), then ln(max(mel, 1e-5)); no normalisation.
/// Output is time-major [frames, 128], the (1, T, 128) layout the network takes.
/// Immutable after construction: one instance serves concurrent callers.
/// </summary>
public sealed class SpeakerMelSpectrogram
{
    public const int SampleRate = 24000;
    public const int FftSize = 1024;
    public const int HopLength = 256;
    public const int WindowLength = 1024;
    public const int MelBands = SpeakerEncoderConfig.FrontEndMelBands;
    public const double MinHz = 0;
    public const double MaxHz = 12000;
    public const double MagnitudeEpsilon = 1e-9;
    public const float LogFloor = 1e-5f;

    /// <summary>Samples added on each side by the reflect padding.</summary>
    public const int Padding = (FftSize - HopLength) / 2;

    /// <summary>Reflect padding of 384 needs more samples than that (PyTorch refuses otherwise).</summary>
    public const int MinimumSamples = Padding + 1;

    private readonly double[] window = new double[WindowLength];
    private readonly RealFft fft = new(FftSize);

    public SpeakerMelSpectrogram()
    {
        for (var n = 0; n < WindowLength; n++)
        {
            window[n] = 0.5 - 0.5 * Math.Cos(2.0 * Math.PI * n / WindowLength);
        }
    }

    public static SpeakerMelSpectrogram Shared { get; } = new();

    public SlaneyMelFilterbank Filterbank { get; } = new(SampleRate, FftSize, MelBands, MinHz, MaxHz);

    /// <summary>Frames for a clip: (samples + 2·384 − 1024) / 256 + 1 = samples / 256.</summary>
    public static int FrameCount(int samples)
    {
        if (samples < MinimumSamples)
        {
            throw new ArgumentException($"the speaker encoder needs at least {MinimumSamples} samples ({MinimumSamples * 1000.0 / SampleRate:0.#} ms at 24 kHz), got {samples}", nameof(samples));
        }
        return (samples + 2 * Padding - FftSize) / HopLength + 1;
    }

    /// <summary>Log-mel frames of 24 kHz mono audio into <paramref name="destination"/> [FrameCount, 128].</summary>
    public void Compute(ReadOnlySpan<float> audio, Span<float> destination)
    {
        var frames = FrameCount(audio.Length);
        if (destination.Length != frames * MelBands)
        {
            throw new ArgumentException($"{frames} frames of {MelBands} mels need {frames * MelBands} values, the destination holds {destination.Length}", nameof(destination));
        }
        var frame = ArrayPool<double>.Shared.Rent(FftSize);
        var spectrum = ArrayPool<Complex>.Shared.Rent(fft.Bins + FftSize / 2);
        var magnitude = ArrayPool<double>.Shared.Rent(fft.Bins);
        try
        {
            var bank = Filterbank;
            var weights = bank.Weights;
            var bins = spectrum.AsSpan(0, fft.Bins);
            var work = spectrum.AsSpan(fft.Bins, FftSize / 2);
            for (var t = 0; t < frames; t++)
            {
                var start = t * HopLength - Padding;
                for (var n = 0; n < FftSize; n++)
                {
                    frame[n] = Reflect(audio, start + n) * window[n];
                }
                fft.Forward(frame.AsSpan(0, FftSize), bins, work);
                for (var k = 0; k < bins.Length; k++)
                {
                    var c = bins[k];
                    magnitude[k] = Math.Sqrt(c.Real * c.Real + c.Imaginary * c.Imaginary + MagnitudeEpsilon);
                }
                var row = destination.Slice(t * MelBands, MelBands);
                for (var b = 0; b < MelBands; b++)
                {
                    var sum = 0.0;
                    var w = weights.Slice(b * bank.Bins, bank.Bins);
                    for (var k = bank.First[b]; k < bank.End[b]; k++)
                    {
                        sum += w[k] * magnitude[k];
                    }
                    row[b] = MathF.Log(MathF.Max((float)sum, LogFloor));
                }
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(frame);
            ArrayPool<Complex>.Shared.Return(spectrum);
            ArrayPool<double>.Shared.Return(magnitude);
        }
    }

    /// <summary>numpy/PyTorch "reflect": the edge sample is not repeated (x[-1] = x[1]).</summary>
    private static float Reflect(ReadOnlySpan<float> audio, int index)
    {
        if (index < 0)
        {
            return audio[-index];
        }
        var last = audio.Length - 1;
        return index > last ? audio[2 * last - index] : audio[index];
    }
}
