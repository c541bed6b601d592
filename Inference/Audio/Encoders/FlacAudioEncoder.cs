using System.Buffers;

namespace Qwen3Tts.Inference.Audio.Encoders;

/// <summary>
/// <see cref="SpeechFormat.Flac"/>. A complete file is encoded at <see cref="CompleteAsync"/> by <see cref="FlacWriter"/>,
/// so STREAMINFO carries the totals and the MD5; a stream (<see cref="AudioEncoderOptions.Streaming"/>) starts with a
/// STREAMINFO whose totals are "unknown" and sends each 4096-sample frame as soon as it is full.
/// </summary>
public sealed class FlacAudioEncoder : IAudioEncoder
{
    private readonly Stream _output;
    private readonly AudioEncoderOptions _options;
    private readonly List<float>? _whole;
    private readonly short[]? _block;
    private readonly byte[]? _frame;
    private readonly FlacSubframeEncoder? _subframes;
    private int _blockFill;
    private long _frameNumber;
    private bool _headerWritten;

    public FlacAudioEncoder(Stream output, AudioEncoderOptions options)
    {
        _output = output;
        _options = options;
        if (options.Streaming)
        {
            _block = new short[FlacWriter.BlockSize];
            _frame = new byte[FlacWriter.MaxFrameBytes];
            _subframes = new FlacSubframeEncoder(FlacWriter.BlockSize);
        }
        else
        {
            _whole = [];
        }
    }

    public SpeechFormat Format => SpeechFormat.Flac;

    public long SamplesWritten { get; private set; }

    public async ValueTask WriteAsync(ReadOnlyMemory<float> samples, CancellationToken cancellationToken)
    {
        SamplesWritten += samples.Length;
        if (_whole is not null)
        {
            _whole.AddRange(samples.Span);
            return;
        }
        await WriteHeaderAsync(cancellationToken).ConfigureAwait(false);
        var written = ArrayPool<byte>.Shared.Rent(FlacWriter.MaxFrameBytes * (1 + samples.Length / FlacWriter.BlockSize));
        try
        {
            var length = 0;
            var rest = samples.Span;
            while (!rest.IsEmpty)
            {
                var take = Math.Min(rest.Length, _block!.Length - _blockFill);
                PcmConversion.FloatToPcm16(rest[..take], _block.AsSpan(_blockFill, take));
                _blockFill += take;
                rest = rest[take..];
                if (_blockFill == _block.Length)
                {
                    length += EncodeBlock(written.AsSpan(length));
                }
            }
            await _output.WriteAsync(written.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
            await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(written);
        }
    }

    public async ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        if (_whole is not null)
        {
            var file = FlacWriter.Encode(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_whole), _options.SampleRate);
            await _output.WriteAsync(file, cancellationToken).ConfigureAwait(false);
            await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
            return;
        }
        await WriteHeaderAsync(cancellationToken).ConfigureAwait(false);
        if (_blockFill > 0)
        {
            var length = EncodeBlock(_frame);
            await _output.WriteAsync(_frame.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
        }
        await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask WriteHeaderAsync(CancellationToken cancellationToken)
    {
        if (!_headerWritten)
        {
            _headerWritten = true;
            await _output.WriteAsync(FlacWriter.StreamingHeader(_options.SampleRate), cancellationToken).ConfigureAwait(false);
        }
    }

    private int EncodeBlock(Span<byte> destination)
    {
        var length = FlacWriter.WriteFrame(_block.AsSpan(0, _blockFill), _frameNumber++, _options.SampleRate, _subframes!, _frame);
        _frame.AsSpan(0, length).CopyTo(destination);
        _blockFill = 0;
        return length;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
