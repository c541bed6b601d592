using System.Buffers;

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
    private float[] _scratch = [];
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
        var output = new ArrayBufferWriter<float>();
        Push(samples, output);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>
    /// <see cref="Push(ReadOnlySpan{float})"/> into <paramref name="output"/>: a stream that reuses its buffers allocates
    /// nothing per chunk here (the joiner's own scratch grows to the largest chunk once).
    /// </summary>
    public void Push(ReadOnlySpan<float> samples, IBufferWriter<float> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var length = _tailLength + samples.Length;
        if (_scratch.Length < length)
        {
            _scratch = new float[Math.Max(length, _scratch.Length * 2)];
        }
        var all = _scratch.AsSpan(0, length);
        _tail.AsSpan(0, _tailLength).CopyTo(all);
        samples.CopyTo(all[_tailLength..]);
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
        all[^keep..].CopyTo(_tail);
        _tailLength = keep;
        Write(all[..^keep], output);
    }

    /// <summary>The current utterance ended and another follows after <paramref name="pauseSamples"/> of silence.</summary>
    public float[] Join(int pauseSamples) => Collect(output => Join(pauseSamples, output));

    /// <summary><see cref="Join(int)"/> into <paramref name="output"/>.</summary>
    public void Join(int pauseSamples, IBufferWriter<float> output)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pauseSamples);
        ArgumentNullException.ThrowIfNull(output);
        var length = _tailLength + pauseSamples;
        var written = output.GetSpan(length)[..length];
        for (var i = 0; i < _tailLength; i++)
        {
            // The ramp read backwards: the last sample gets the smallest gain.
            written[i] = _tail[i] * _ramp[_tailLength - 1 - i];
        }
        // A pooled destination holds old samples: the pause is written, not assumed.
        written[_tailLength..].Clear();
        output.Advance(length);
        _tailLength = 0;
        _fadeIn = true;
        _fadeInDone = 0;
    }

    /// <summary>The last utterance ended: its tail as it is (the stream's end needs no fade).</summary>
    public float[] Finish() => Collect(Finish);

    /// <summary><see cref="Finish()"/> into <paramref name="output"/>.</summary>
    public void Finish(IBufferWriter<float> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        Write(_tail.AsSpan(0, _tailLength), output);
        _tailLength = 0;
    }

    private static void Write(ReadOnlySpan<float> samples, IBufferWriter<float> output)
    {
        samples.CopyTo(output.GetSpan(samples.Length));
        output.Advance(samples.Length);
    }

    private static float[] Collect(Action<IBufferWriter<float>> write)
    {
        var output = new ArrayBufferWriter<float>();
        write(output);
        return output.WrittenSpan.ToArray();
    }
}
