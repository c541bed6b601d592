namespace Qwen3Tts.Inference.Vocoder;

/// <summary>Helpers over any <see cref="IVocoderStream"/>.</summary>
public static class VocoderStreams
{
    /// <summary>Appends every frame (frames × 16 codes) one at a time, draining as a caller would, then flushes: the utterance's audio.</summary>
    public static float[] DecodeAll(IVocoderStream stream, ReadOnlySpan<long> codes, int samplesPerFrame, int codebooks = 16)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using (stream)
        {
            var frames = codes.Length / codebooks;
            var audio = new float[(long)frames * samplesPerFrame];
            var written = 0;
            for (var frame = 0; frame < frames; frame++)
            {
                stream.Append(codes.Slice(frame * codebooks, codebooks));
                written += Drain(stream, audio.AsSpan(written), flush: false);
            }
            written += Drain(stream, audio.AsSpan(written), flush: true);
            if (written != audio.Length)
            {
                throw new InvalidOperationException($"the stream returned {written} samples for {frames} frames, expected {audio.Length}");
            }
            return audio;
        }
    }

    /// <summary>A whole utterance through a new stream of <paramref name="vocoder"/>.</summary>
    public static float[] DecodeAll(IVocoder vocoder, ReadOnlySpan<long> codes) =>
        DecodeAll(vocoder.OpenStream(), codes, vocoder.SamplesPerFrame);

    private static int Drain(IVocoderStream stream, Span<float> destination, bool flush)
    {
        var written = 0;
        while (stream.TryDecode(out var samples, flush))
        {
            samples.Span.CopyTo(destination[written..]);
            written += samples.Length;
        }
        return written;
    }
}
