namespace Qwen3Tts.Inference.Audio.Encoders;

/// <summary>
/// Encodes 24 kHz mono float audio into one <see cref="SpeechFormat"/> on an output stream, chunk by chunk as it is
/// synthesized. <see cref="CompleteAsync"/> writes what is left (the encoder's delay, trailers, the last page) and
/// must be called for a valid file; disposing without it abandons the output.
/// </summary>
public interface IAudioEncoder : IAsyncDisposable
{
    SpeechFormat Format { get; }

    /// <summary>Samples accepted so far (before encoding).</summary>
    long SamplesWritten { get; }

    ValueTask WriteAsync(ReadOnlyMemory<float> samples, CancellationToken cancellationToken);

    ValueTask CompleteAsync(CancellationToken cancellationToken);
}
