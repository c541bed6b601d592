using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Threading;
using Qwen3Tts.Inference.Vocoder;

namespace Qwen3Tts.Inference.Pipeline;

/// <summary>
/// In-process vocoder for one utterance. When the first chunk is short (the native decoder's 1 frame), frames are
/// decoded inline until the first audio exists, so the first chunk's samples come back from the append that
/// completes it (time to first audio = generating the first chunk + decoding it). After that (and from the start
/// for a long first chunk, such as the ONNX window's 40 frames) a background worker owns the
/// <see cref="IVocoderStream"/>, so decodes overlap with talker/predictor steps instead of stalling the frame
/// loop; its audio is handed back on a later append, in order.
/// Nothing is allocated per frame once the buffers have grown to a chunk: frames wait in a reused ring, the decoder
/// writes into reused buffers, and the audio a call returns is the buffer the previous call's audio was in, so it is
/// valid until the next call (<see cref="IVocoderChannel.AppendAsync"/>).
/// </summary>
public sealed class LocalVocoderChannel : IVocoderChannel
{
    /// <summary>Longest first chunk decoded inline: a few native frames cost well under a talker step each.</summary>
    private const int InlineFirstChunkLimit = 4;

    private const int Codes = CodecTokenIds.CodebookCount;

    private readonly Lock _lock = new();
    private readonly IVocoderStream _stream;
    private readonly ReusableCompletion _wake = new();
    // Decoded audio not handed out yet (under the lock), and what the last call returned (the caller's until its next call).
    private PooledAudioBuffer _ready = new();
    private PooledAudioBuffer _handed = new();
    // The worker's own: it decodes here outside the lock, then copies into _ready (a memcpy per chunk).
    private readonly PooledAudioBuffer _decoded = new();
    private readonly long[] _workerFrame = new long[Codes];
    // Frames waiting for the worker: a ring of 16-code rows (8 KB), grown only when the decoder is 64 frames behind.
    private long[] _frames = new long[64 * Codes];
    private int _head;
    private int _count;
    private bool _waiting;
    private bool _completed;
    private bool _stopped;
    private Task? _worker;

    public LocalVocoderChannel(IVocoder vocoder)
    {
        _stream = vocoder.OpenStream();
        if (_stream.FirstChunkFrames > InlineFirstChunkLimit)
        {
            _worker = Task.Run(RunAsync);
        }
    }

    /// <summary>Runs on the caller's thread before any frame reaches the stream (or its worker).</summary>
    public Task PrimeAsync(ReadOnlyMemory<long> referenceCodes, CancellationToken cancellationToken)
    {
        _stream.Prime(referenceCodes.Span);
        return Task.CompletedTask;
    }

    public ValueTask<ReadOnlyMemory<float>> AppendAsync(ReadOnlyMemory<long> frameCodes, CancellationToken cancellationToken)
    {
        if (_worker is null)
        {
            _stream.Append(frameCodes.Span);
            DecodeInline(flush: false);
            if (_ready.WrittenCount > 0)
            {
                _worker = Task.Run(RunAsync);
            }
            return new ValueTask<ReadOnlyMemory<float>>(Drain());
        }
        if (_worker.IsFaulted)
        {
            // Surface the decode error now rather than after the whole utterance is generated.
            _worker.GetAwaiter().GetResult();
        }
        if (frameCodes.Length != Codes)
        {
            throw new ArgumentException($"frame {_stream.FramesAppended + _count}: expected {Codes} codes, got {frameCodes.Length}", nameof(frameCodes));
        }
        bool wake;
        lock (_lock)
        {
            if (_completed)
            {
                throw new InvalidOperationException("the vocoder stream is already flushed");
            }
            if (_count * Codes == _frames.Length)
            {
                Grow();
            }
            frameCodes.Span.CopyTo(_frames.AsSpan((_head + _count) % (_frames.Length / Codes) * Codes, Codes));
            _count++;
            wake = TakeWaiter();
        }
        if (wake)
        {
            _wake.SetResult();
        }
        return new ValueTask<ReadOnlyMemory<float>>(Drain());
    }

    public async ValueTask<ReadOnlyMemory<float>> FlushAsync(CancellationToken cancellationToken)
    {
        if (_worker is null)
        {
            // Shorter than the first chunk: the whole utterance is decoded here.
            DecodeInline(flush: true);
            return Drain();
        }
        Complete(stop: false);
        await _worker.WaitAsync(cancellationToken).ConfigureAwait(false);
        return Drain();
    }

    private async Task RunAsync()
    {
        while (true)
        {
            ValueTask wait = default;
            var finish = false;
            var park = false;
            lock (_lock)
            {
                if (_stopped)
                {
                    return;
                }
                if (_count > 0)
                {
                    _frames.AsSpan(_head * Codes, Codes).CopyTo(_workerFrame);
                    _head = (_head + 1) % (_frames.Length / Codes);
                    _count--;
                }
                else if (_completed)
                {
                    finish = true;
                }
                else
                {
                    _waiting = park = true;
                    wait = _wake.Arm();
                }
            }
            if (finish)
            {
                DecodeOnWorker(flush: true);
                return;
            }
            if (park)
            {
                await wait.ConfigureAwait(false);
                continue;
            }
            _stream.Append(_workerFrame);
            DecodeOnWorker(flush: false);
        }
    }

    private void DecodeInline(bool flush)
    {
        lock (_lock)
        {
            while (_stream.TryDecodeInto(_ready, flush))
            {
            }
        }
    }

    private void DecodeOnWorker(bool flush)
    {
        while (_stream.TryDecodeInto(_decoded, flush))
        {
        }
        if (_decoded.WrittenCount == 0)
        {
            return;
        }
        lock (_lock)
        {
            var audio = _decoded.WrittenSpan;
            audio.CopyTo(_ready.GetSpan(audio.Length));
            _ready.Advance(audio.Length);
        }
        _decoded.Reset();
    }

    // The caller is done with what the previous call returned: that buffer takes the next audio.
    private ReadOnlyMemory<float> Drain()
    {
        lock (_lock)
        {
            (_handed, _ready) = (_ready, _handed);
            _ready.Reset();
        }
        return _handed.WrittenCount == 0 ? ReadOnlyMemory<float>.Empty : _handed.WrittenMemory;
    }

    private void Grow()
    {
        var rows = _frames.Length / Codes;
        var grown = new long[_frames.Length * 2];
        for (var i = 0; i < _count; i++)
        {
            _frames.AsSpan((_head + i) % rows * Codes, Codes).CopyTo(grown.AsSpan(i * Codes));
        }
        _frames = grown;
        _head = 0;
    }

    // Under the lock: whether the worker is parked on _wake and must be woken (exactly once per arming).
    private bool TakeWaiter()
    {
        var waiting = _waiting;
        _waiting = false;
        return waiting;
    }

    private void Complete(bool stop)
    {
        bool wake;
        lock (_lock)
        {
            _completed = true;
            _stopped |= stop;
            wake = TakeWaiter();
        }
        if (wake)
        {
            _wake.SetResult();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Complete(stop: true);
        if (_worker is { } worker)
        {
            try
            {
                await worker.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The utterance is over (or being abandoned); a decode error was already surfaced to it, or no longer matters.
            }
        }
        _stream.Dispose();
        // Only now: the caller may use the last audio until it disposes this channel.
        _ready.Dispose();
        _handed.Dispose();
        _decoded.Dispose();
    }
}
