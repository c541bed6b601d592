using System.Globalization;
using Qwen3Tts.Inference.Codec.Encoder;

namespace Qwen3Tts.Inference.Voices.Cloning;

/// <summary>
/// The check a silo makes on samples it is asked to encode (any client may call its grain): the encoder's rate,
/// at least one sample, at most <see cref="ReferenceAudio.MaxSeconds"/>, every value finite.
/// </summary>
public static class ClipSamples
{
    public static void Check(ReadOnlySpan<float> samples, int sampleRate, int expectedRate)
    {
        if (sampleRate != expectedRate)
        {
            throw new ReferenceAudioException($"the clip is at {sampleRate} Hz; the encoder takes {expectedRate} Hz (resample it first)");
        }
        if (samples.IsEmpty)
        {
            throw new ReferenceAudioException("the clip has no samples");
        }
        if (samples.Length > ReferenceAudio.MaxSeconds * sampleRate)
        {
            throw new ReferenceAudioException(string.Create(CultureInfo.InvariantCulture,
                $"the clip is {samples.Length / (double)sampleRate:F1} s long; at most {ReferenceAudio.MaxSeconds} s are encoded"));
        }
        foreach (var v in samples)
        {
            if (!float.IsFinite(v))
            {
                throw new ReferenceAudioException("the clip holds NaN or infinite samples");
            }
        }
    }
}
