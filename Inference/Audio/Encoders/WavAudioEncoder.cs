namespace Qwen3Tts.Inference.Audio.Encoders;

/// <summary><see cref="SpeechFormat.Wav"/> and <see cref="SpeechFormat.Pcm"/> through <see cref="WavWriter"/>.</summary>
public sealed class WavAudioEncoder : IAudioEncoder
{
    private readonly WavWriter _writer;
    private readonly Stream _output;
    private readonly bool _flush;

    public WavAudioEncoder(SpeechFormat format, Stream output, AudioEncoderOptions options)
    {
        if (format is not (SpeechFormat.Wav or SpeechFormat.Pcm))
        {
            throw new ArgumentOutOfRangeException(nameof(format), format, "the WAV encoder writes wav and pcm only");
        }
        Format = format;
        _output = output;
        _flush = options.Streaming;
        var layout = (format, options.Float32) switch
        {
            (SpeechFormat.Wav, false) => AudioFormat.WavPcm16,
            (SpeechFormat.Wav, true) => AudioFormat.WavFloat32,
            (_, false) => AudioFormat.RawPcm16,
            (_, true) => AudioFormat.RawFloat32,
        };
        _writer = new WavWriter(output, options.SampleRate, 1, layout, leaveOpen: true);
    }

    public SpeechFormat Format { get; }

    public long SamplesWritten => _writer.SamplesWritten;

    public async ValueTask WriteAsync(ReadOnlyMemory<float> samples, CancellationToken cancellationToken)
    {
        await _writer.WriteSamplesAsync(samples, cancellationToken).ConfigureAwait(false);
        if (_flush)
        {
            await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    // Disposing the writer writes the header of an empty file and patches the sizes of a seekable one.
    public async ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        await _writer.DisposeAsync().ConfigureAwait(false);
        await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => _writer.DisposeAsync();
}
