using System.Globalization;
using Qwen3Tts.Inference.Audio;
using Qwen3Tts.Inference.Audio.Resampling;

namespace Qwen3Tts.Inference.Codec.Encoder;

/// <summary>Reference audio that cannot be used to clone a voice. It is the caller's input, so it is an <see cref="ArgumentException"/>.</summary>
public sealed class ReferenceAudioException(string message, Exception? inner = null) : ArgumentException(message, inner);

/// <summary>
/// A voice-clone reference clip, prepared as the official code prepares it: decoded, channels averaged to mono,
/// no normalisation, resampled to the encoder's rate (24 kHz) with the band-limited <see cref="SincResampler"/>
/// (the official code uses librosa's soxr). Refused with a clear message: not a WAV, an unsupported sample format,
/// no samples, longer than <see cref="MaxSeconds"/>, or silence only.
/// </summary>
public sealed record ReferenceAudio(float[] Samples, int SampleRate, WavAudio Source)
{
    /// <summary>Longer references only slow the prompt down (12.5 frames of prompt per second); 60 s is plenty.</summary>
    public const double MaxSeconds = 60;

    /// <summary>Peak below this (−60 dBFS) counts as silence: nothing to clone.</summary>
    public const float SilencePeak = 1e-3f;

    public static ReferenceAudio Load(string path, int targetRate = 24000, double maxSeconds = MaxSeconds)
    {
        WavAudio wav;
        try
        {
            wav = WavReader.Load(path, maxSeconds);
        }
        catch (InvalidDataException e)
        {
            throw new ReferenceAudioException(e.Message, e);
        }
        catch (FileNotFoundException e)
        {
            throw new ReferenceAudioException($"reference audio not found: {path}", e);
        }
        return Prepare(wav, path, targetRate);
    }

    public static ReferenceAudio Prepare(WavAudio wav, string sourceName, int targetRate = 24000)
    {
        if (wav.Samples.Length == 0)
        {
            throw new ReferenceAudioException($"{sourceName}: the audio has no samples");
        }
        var peak = 0f;
        foreach (var v in wav.Samples)
        {
            if (!float.IsFinite(v))
            {
                throw new ReferenceAudioException($"{sourceName}: the audio holds NaN or infinite samples");
            }
            peak = Math.Max(peak, Math.Abs(v));
        }
        if (peak < SilencePeak)
        {
            throw new ReferenceAudioException(string.Create(CultureInfo.InvariantCulture,
                $"{sourceName}: the audio is silent (peak {20 * Math.Log10(Math.Max(peak, 1e-12)):F0} dBFS); record the voice to clone"));
        }
        var samples = SincResampler.Resample(wav.Samples, wav.SampleRate, targetRate);
        return new ReferenceAudio(samples, targetRate, wav);
    }
}
