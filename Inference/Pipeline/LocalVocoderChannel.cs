using System.Collections.Concurrent;
using System.Threading.Channels;
using Qwen3Tts.Inference.Vocoder;

namespace Qwen3Tts.Inference.Pipeline;

/// <summary>
/// In-process vocoder for one utterance. A background worker owns the <see cref="StreamingVocoder"/>
/// so window decodes overlap with talker/predictor steps instead of stalling the frame loop; audio
/// is handed back on the next append, in order.
/// </summary>
public sealed class LocalVocoderChannel : IVocoderChannel
{
    private readonly Channel<long[]> _frames = Channel.CreateUnbounded<long[]>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly ConcurrentQueue<ReadOnlyMemory<float>> _ready = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _worker;

    public LocalVocoderChannel(VocoderModel model, VocoderOptions options)
    {
        var stream = new StreamingVocoder(model, options);
        _worker = Task.Run(() => RunAsync(stream, _stop.Token));
    }

    public Task<ReadOnlyMemory<float>> AppendAsync(long[] frameCodes, CancellationToken cancellationToken)
    {
        if (_worker.IsFaulted)
        {
            // Surface the decode error now rather than after the whole utterance is generated.
            _worker.GetAwaiter().GetResult();
        }
        if (!_frames.Writer.TryWrite(frameCodes))
        {
            throw new InvalidOperationException("the vocoder stream is already flushed");
        }
        return Task.FromResult(Drain());
    }

    public async Task<ReadOnlyMemory<float>> FlushAsync(CancellationToken cancellationToken)
    {
        _frames.Writer.TryComplete();
        await _worker.WaitAsync(cancellationToken).ConfigureAwait(false);
        return Drain();
    }

    private async Task RunAsync(StreamingVocoder stream, CancellationToken cancellationToken)
    {
        await foreach (var frame in _frames.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            stream.Append(frame);
            while (stream.TryDecode(out var samples, flush: false))
            {
                _ready.Enqueue(samples);
            }
        }
        while (stream.TryDecode(out var samples, flush: true))
        {
            _ready.Enqueue(samples);
        }
    }

    private ReadOnlyMemory<float> Drain()
    {
        if (_ready.IsEmpty)
        {
            return ReadOnlyMemory<float>.Empty;
        }
        var parts = new List<ReadOnlyMemory<float>>();
        while (_ready.TryDequeue(out var part))
        {
            parts.Add(part);
        }
        if (parts.Count == 1)
        {
            return parts[0];
        }
        var joined = new float[parts.Sum(p => p.Length)];
        var offset = 0;
        foreach (var part in parts)
        {
            part.Span.CopyTo(joined.AsSpan(offset));
            offset += part.Length;
        }
        return joined;
    }

    public async ValueTask DisposeAsync()
    {
        _frames.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _worker.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
            // The utterance is being abandoned; its decode error no longer matters to anyone.
        }
        _stop.Dispose();
    }
}
