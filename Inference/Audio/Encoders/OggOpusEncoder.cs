using Concentus;
using Concentus.Enums;

namespace Qwen3Tts.Inference.Audio.Encoders;

/// <summary>
/// <see cref="SpeechFormat.Opus"/>: Ogg Opus (RFC 7845) from the managed Concentus encoder, in 20 ms packets at the
/// synthesizer's own rate (24 kHz is one of Opus's native rates, so nothing is resampled). Granule positions count
/// 48 kHz samples, as the specification fixes whatever the input rate; the pre-skip is the encoder's look-ahead, so a
/// decoder drops exactly the delay, and the final page's granule trims the zero padding of the last packet. With
/// <see cref="AudioEncoderOptions.Streaming"/> every write ends a page, so a player hears each chunk as it comes.
/// </summary>
public sealed class OggOpusEncoder : IAudioEncoder
{
    /// <summary>Fixed, so the same audio gives the same bytes.</summary>
    public const uint SerialNumber = 0x3371_7774;

    /// <summary>Granule positions (and the pre-skip) are always in 48 kHz samples.</summary>
    public const int GranuleRate = 48_000;

    public const int FrameMilliseconds = 20;

    // A page per second of audio in complete files: about 1 % overhead, and a seek granularity players are happy with.
    private const int PacketsPerPage = 1000 / FrameMilliseconds;

    // RFC 6716: a packet is at most 1275 bytes per frame.
    private const int MaxPacketBytes = 1275;

    private readonly Stream _output;
    private readonly bool _streaming;
    private readonly IOpusEncoder _encoder;
    private readonly OggPageWriter _pages;
    private readonly float[] _frame;
    private readonly byte[] _packet = new byte[MaxPacketBytes];
    private readonly int _granulePerSample;
    private readonly int _lookahead;
    private int _frameFill;
    private long _samplesEncoded;
    private long _granule;
    private bool _headersWritten;

    public OggOpusEncoder(Stream output, AudioEncoderOptions options)
    {
        if (GranuleRate % options.SampleRate != 0 || options.SampleRate < 8_000)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.SampleRate, "Opus encodes 8, 12, 16, 24 or 48 kHz");
        }
        _output = output;
        _streaming = options.Streaming;
        // The managed encoder only: the same bytes on every machine, no native library to install.
        OpusCodecFactory.AttemptToUseNativeLibrary = false;
        _encoder = OpusCodecFactory.CreateEncoder(options.SampleRate, 1, OpusApplication.OPUS_APPLICATION_AUDIO);
        _encoder.Bitrate = options.OpusBitrate;
        // Signal type left to the encoder's own analysis, which picks SILK for speech when it pays: forced to
        // "voice", a 200 Hz-3 kHz test sweep decoded with correlation 0.006 to its input (0.999 left on auto).
        _encoder.UseVBR = true;
        _frame = new float[options.SampleRate * FrameMilliseconds / 1000];
        _granulePerSample = GranuleRate / options.SampleRate;
        _lookahead = _encoder.Lookahead;
        PreSkip = _lookahead * _granulePerSample;
        InputSampleRate = options.SampleRate;
        _pages = new OggPageWriter(output, SerialNumber);
    }

    public SpeechFormat Format => SpeechFormat.Opus;

    public long SamplesWritten { get; private set; }

    /// <summary>What OpusHead declares: 48 kHz samples a decoder discards at the start.</summary>
    public int PreSkip { get; }

    public int InputSampleRate { get; }

    public async ValueTask WriteAsync(ReadOnlyMemory<float> samples, CancellationToken cancellationToken)
    {
        await WriteHeadersAsync(cancellationToken).ConfigureAwait(false);
        SamplesWritten += samples.Length;
        for (var offset = 0; offset < samples.Length;)
        {
            var take = Math.Min(samples.Length - offset, _frame.Length - _frameFill);
            samples.Span.Slice(offset, take).CopyTo(_frame.AsSpan(_frameFill));
            _frameFill += take;
            offset += take;
            if (_frameFill == _frame.Length)
            {
                await EncodeFrameAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        if (_streaming)
        {
            await _pages.FlushAsync(last: false, cancellationToken).ConfigureAwait(false);
            await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Pushes the encoder's look-ahead out with zeros, then ends the stream at exactly the samples written.</summary>
    public async ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        await WriteHeadersAsync(cancellationToken).ConfigureAwait(false);
        while (_samplesEncoded < SamplesWritten + _lookahead)
        {
            _frame.AsSpan(_frameFill).Clear();
            _frameFill = _frame.Length;
            await EncodeFrameAsync(cancellationToken).ConfigureAwait(false);
        }
        await _pages.FlushAsync(last: true, cancellationToken, granuleOverride: PreSkip + SamplesWritten * _granulePerSample).ConfigureAwait(false);
        await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    // Each header packet gets a page of its own, with granule 0 (RFC 7845 §3).
    private async ValueTask WriteHeadersAsync(CancellationToken cancellationToken)
    {
        if (_headersWritten)
        {
            return;
        }
        _headersWritten = true;
        await _pages.AddPacketAsync(OpusHeaders.Identification(PreSkip, InputSampleRate), 0, cancellationToken).ConfigureAwait(false);
        await _pages.FlushAsync(last: false, cancellationToken).ConfigureAwait(false);
        await _pages.AddPacketAsync(OpusHeaders.Comments(), 0, cancellationToken).ConfigureAwait(false);
        await _pages.FlushAsync(last: false, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask EncodeFrameAsync(CancellationToken cancellationToken)
    {
        var length = _encoder.Encode(_frame, _frame.Length, _packet, _packet.Length);
        if (length < 0)
        {
            throw new InvalidOperationException($"the Opus encoder failed with error {length}");
        }
        _frameFill = 0;
        _samplesEncoded += _frame.Length;
        _granule += _frame.Length * _granulePerSample;
        // A full page goes out before the next packet, never after the last: the final page must hold a packet
        // so its trimmed granule position ends the stream (earlier pages' positions never pass it).
        if (_pages.PendingPackets >= PacketsPerPage)
        {
            await _pages.FlushAsync(last: false, cancellationToken).ConfigureAwait(false);
        }
        await _pages.AddPacketAsync(_packet.AsSpan(0, length).ToArray(), _granule, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync()
    {
        (_encoder as IDisposable)?.Dispose();
        return ValueTask.CompletedTask;
    }
}
