using Qwen3Tts.Inference.Formats;

namespace Qwen3Tts.Inference.Audio;

/// <summary>Writes a whole mono utterance to disk so that the file appears complete or not at all.</summary>
public static class AudioFile
{
    /// <summary>Writes through an <see cref="AtomicFile"/>: on failure or cancellation nothing appears under <paramref name="path"/>.</summary>
    public static Task WriteAsync(string path, ReadOnlyMemory<float> samples, int sampleRate, AudioFormat format, CancellationToken cancellationToken)
        => AtomicFile.WriteAsync(path, async stream =>
        {
            await using var writer = new WavWriter(stream, sampleRate, channels: 1, format, leaveOpen: true);
            await writer.WriteSamplesAsync(samples, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
}
