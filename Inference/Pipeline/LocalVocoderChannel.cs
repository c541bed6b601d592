using System.Collections.Concurrent;
using System.Threading.Channels;
using Qwen3Tts.Inference.Vocoder;

namespace Qwen3Tts.Inference.Pipeline;

/// <summary>
/// In-process vocoder for one utterance. When the first chunk is short (the native decoder's 1 frame), frames are
/// decoded inline until the first audio exists, so the first chunk's samples come back from the append that
/// completes it (time to first audio = generating the first chunk + decoding it). After that (and from the start
/// for a long first chunk, such as the ONNX window's 40 frames) a background worker owns the
/// <see cref="IVocoderStream"/>, so decodes overlap with talker/predictor steps instead of stalling the frame
/// loop; its audio is handed back on a later append, in order.
/// </summary>
public sealed class LocalVocoderChannel : IVocoderChannel
{
    private readonly Channel<long[]> _frames = Channel.CreateUnbounded<long[]>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly ConcurrentQueue<ReadOnlyMemory<float>> _ready = new();
    private readonly CancellationTokenSource _stop = new();
    /// <summary>Longest first chunk decoded inline: a few native frames cost well under a talker step each.</summary>
    private const int InlineFirstChunkLimit = 4;

    private readonly IVocoderStream _stream;
    private Task? _worker;

    public LocalVocoderChannel(IVocoder vocoder)
    {
        _stream = vocoder.OpenStream();
        if (_stream.FirstChunkFrames > InlineFirstChunkLimit)
        {
            _worker = Task.Run(() => RunAsync(_stop.Token));
        }
    }

    /// <summary>Runs on the caller's thread before any frame reaches the stream (or its worker).</summary>
    public Task PrimeAsync(ReadOnlyMemory<long> referenceCodes, CancellationToken cancellationToken)
    {
        _stream.Prime(referenceCodes.Span);
        return Task.CompletedTask;
    }

    public Task<ReadOnlyMemory<float>> AppendAsync(long[] frameCodes, CancellationToken cancellationToken)
    {
        if (_worker is null)
        {
            _stream.Append(frameCodes);
            DecodeInto(_ready, flush: false);
            if (!_ready.IsEmpty)
            {
                _worker = Task.Run(() => RunAsync(_stop.Token));
            }
            return Task.FromResult(Drain());
        }
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
        if (_worker is null)
        {
            // Shorter than the first chunk: the whole utterance is decoded here.
            DecodeInto(_ready, flush: true);
            return Drain();
        }
        _frames.Writer.TryComplete();
        await _worker.WaitAsync(cancellationToken).ConfigureAwait(false);
        return Drain();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        await foreach (var frame in _frames.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            _stream.Append(frame);
            DecodeInto(_ready, flush: false);
        }
        DecodeInto(_ready, flush: true);
    }

    private void DecodeInto(ConcurrentQueue<ReadOnlyMemory<float>> ready, bool flush)
    {
        while (_stream.TryDecode(out var samples, flush))
        {
            ready.Enqueue(samples);
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
        if (_worker is { } worker)
        {
            try
            {
                await worker.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                // The utterance is being abandoned; its decode error no longer matters to anyone.
            }
        }
        _stream.Dispose();
        _stop.Dispose();
    }
}
