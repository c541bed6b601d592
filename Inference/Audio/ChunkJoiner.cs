namespace Qwen3Tts.Inference.Audio;

/// <summary>
/// Joins utterances synthesized one after another into one stream without clicks: the last
/// <see cref="FadeSamples"/> of each utterance are held back until it ends and then faded out (a raised-cosine half),
/// a pause of silence follows, and the next utterance fades in over the same length. Each utterance's vocoder starts
/// and stops on its own, so its edges are not continuous with its neighbours; the fades bring both edges to zero.
/// </summary>
public sealed class ChunkJoiner
{
    private readonly float[] _tail;
    private readonly float[] _ramp;
    private int _tailLength;
    private int _fadeInDone;
    private bool _fadeIn;

    /// <param name="fadeSamples">Fade length: 240 samples (10 ms at 24 kHz) removes the step without shortening a syllable.</param>
    public ChunkJoiner(int fadeSamples = 240)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fadeSamples);
        FadeSamples = fadeSamples;
        _tail = new float[fadeSamples];
        _ramp = new float[fadeSamples];
        for (var i = 0; i < fadeSamples; i++)
        {
            _ramp[i] = (float)(0.5 - 0.5 * Math.Cos(Math.PI * (i + 0.5) / fadeSamples));
        }
    }

    public int FadeSamples { get; }

    /// <summary>Audio of the current utterance in; what can be released now out (all but the held-back tail).</summary>
    public float[] Push(ReadOnlySpan<float> samples)
    {
        var all = new float[_tailLength + samples.Length];
        _tail.AsSpan(0, _tailLength).CopyTo(all);
        samples.CopyTo(all.AsSpan(_tailLength));
        if (_fadeIn)
        {
            for (var i = 0; _fadeInDone < FadeSamples && i < all.Length; i++)
            {
                // Only samples never faded before: held-back ones were counted when first seen.
                if (i >= _tailLength)
                {
                    all[i] *= _ramp[_fadeInDone++];
                }
            }
            _fadeIn = _fadeInDone < FadeSamples;
        }
        var keep = Math.Min(FadeSamples, all.Length);
        all.AsSpan(all.Length - keep).CopyTo(_tail);
        _tailLength = keep;
        return all[..^keep];
    }

    /// <summary>The current utterance ended and another follows after <paramref name="pauseSamples"/> of silence.</summary>
    public float[] Join(int pauseSamples)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pauseSamples);
        var output = new float[_tailLength + pauseSamples];
        for (var i = 0; i < _tailLength; i++)
        {
            // The ramp read backwards: the last sample gets the smallest gain.
            output[i] = _tail[i] * _ramp[_tailLength - 1 - i];
        }
        _tailLength = 0;
        _fadeIn = true;
        _fadeInDone = 0;
        return output;
    }

    /// <summary>The last utterance ended: its tail as it is (the stream's end needs no fade).</summary>
    public float[] Finish()
    {
        var output = _tail[.._tailLength];
        _tailLength = 0;
        return output;
    }
}
