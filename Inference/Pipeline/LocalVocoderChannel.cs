using System.Runtime.CompilerServices;
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
/// Nothing is allocated per frame once the pooled buffers have grown to a chunk: frames wait in a fixed ring (a decoder
/// <see cref="RingFrames"/> behind makes the append wait), the decoder writes into pooled buffers, and the audio a call
/// returns is the buffer the previous call's audio was in, so it is valid until the next call
/// (<see cref="IVocoderChannel.AppendAsync"/>).
/// </summary>
public sealed class LocalVocoderChannel : IVocoderChannel
{
    /// <summary>Longest first chunk decoded inline: a few native frames cost well under a talker step each.</summary>
    private const int InlineFirstChunkLimit = 4;

    private const int Codes = CodecTokenIds.CodebookCount;

    /// <summary>
    /// Frames that may wait for the worker (5 s of audio): a decoder this far behind makes the frame loop wait for it, so
    /// neither the ring nor the audio waiting to be handed out grows without bound when the box is overloaded (before
    /// this bound, a 200-frame stream on a box at load 47 queued most of its frames and allocated 3.7 MB at its end).
    /// </summary>
    private const int RingFrames = 64;

    /// <summary>
    /// Most waiting frames the worker takes into one decode. A decoder that fell behind (several streams on few cores)
    /// catches up in longer passes, which read the weights fewer times per frame: one thread, Intel Xeon, 0.6b set,
    /// 53.7 CPU-ms per frame at 4 frames a call, 47.0 at 8. One pass's worth (<see cref="Codec.Decoder.DecoderOptions.MaxFramesPerPass"/>'s
    /// default), so audio still comes out at most 8 frames at a time.
    /// </summary>
    private const int CatchUpFrames = 8;

    private readonly Lock _lock = new();
    private readonly IVocoderStream _stream;
    private readonly ReusableCompletion _wake = new();
    // Decoded audio not handed out yet (under the lock), and what the last call returned (the caller's until its next call).
    private PooledAudioBuffer _ready = new();
    private PooledAudioBuffer _handed = new();
    // The worker's own: it decodes here outside the lock, then copies into _ready (a memcpy per chunk).
    private readonly PooledAudioBuffer _decoded = new();
    private readonly long[] _workerFrames = new long[CatchUpFrames * Codes];
    private readonly ReusableCompletion _room = new();
    // Frames waiting for the worker: a ring of 16-code rows (8 KB).
    private readonly long[] _frames = new long[RingFrames * Codes];
    private int _head;
    private int _count;
    private bool _waiting;
    private bool _appenderWaiting;
    private bool _workerExited;
    private bool _completed;
    private bool _stopped;
    private Task? _worker;

    public LocalVocoderChannel(IVocoder vocoder)
    {
        _stream = vocoder.OpenStream();
        if (_stream.FirstChunkFrames > InlineFirstChunkLimit)
        {
            _worker = StartWorker();
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
                _worker = StartWorker();
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
        var full = false;
        ValueTask room = default;
        lock (_lock)
        {
            if (_completed)
            {
                throw new InvalidOperationException("the vocoder stream is already flushed");
            }
            if (_count == RingFrames)
            {
                // The decoder is a whole ring behind: wait for it rather than queue (and allocate) without bound.
                _appenderWaiting = full = true;
                room = _room.Arm();
                wake = false;
            }
            else
            {
                frameCodes.Span.CopyTo(_frames.AsSpan((_head + _count) % RingFrames * Codes, Codes));
                _count++;
                wake = TakeWaiter();
            }
        }
        if (full)
        {
            return AppendWhenRoomAsync(room, frameCodes, cancellationToken);
        }
        if (wake)
        {
            _wake.SetResult();
        }
        return new ValueTask<ReadOnlyMemory<float>>(Drain());
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ReadOnlyMemory<float>> AppendWhenRoomAsync(ValueTask room, ReadOnlyMemory<long> frameCodes, CancellationToken cancellationToken)
    {
        await room.ConfigureAwait(false);
        if (_workerExited)
        {
            // It stopped with frames still queued: its failure (or the dispose that stopped it) is the answer.
            await _worker!.ConfigureAwait(false);
            throw new InvalidOperationException("the vocoder stream is closed");
        }
        return await AppendAsync(frameCodes, cancellationToken).ConfigureAwait(false);
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

    // The worker decodes on pool threads, for tens of ms at a time: the pool keeps room for the frame loops besides.
    private Task StartWorker()
    {
        ThreadPoolHeadroom.Hold();
        return Task.Run(RunAsync);
    }

    private async Task RunAsync()
    {
        try
        {
            await DecodeFramesAsync().ConfigureAwait(false);
        }
        finally
        {
            ThreadPoolHeadroom.Release();
            bool release;
            lock (_lock)
            {
                _workerExited = true;
                release = TakeAppender();
            }
            if (release)
            {
                _room.SetResult();
            }
        }
    }

    private async Task DecodeFramesAsync()
    {
        while (true)
        {
            ValueTask wait = default;
            var finish = false;
            var park = false;
            var freed = false;
            var taken = 0;
            lock (_lock)
            {
                if (_stopped)
                {
                    return;
                }
                if (_count > 0)
                {
                    taken = Math.Min(_count, CatchUpFrames);
                    for (var i = 0; i < taken; i++)
                    {
                        _frames.AsSpan((_head + i) % RingFrames * Codes, Codes).CopyTo(_workerFrames.AsSpan(i * Codes, Codes));
                    }
                    _head = (_head + taken) % RingFrames;
                    _count -= taken;
                    freed = TakeAppender();
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
            if (freed)
            {
                _room.SetResult();
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
            for (var i = 0; i < taken; i++)
            {
                _stream.Append(_workerFrames.AsSpan(i * Codes, Codes));
            }
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

    // Under the lock: whether the worker is parked on _wake and must be woken (exactly once per arming).
    private bool TakeWaiter()
    {
        var waiting = _waiting;
        _waiting = false;
        return waiting;
    }

    // Under the lock: whether the frame loop waits on _room for the worker to take a frame (exactly once per arming).
    private bool TakeAppender()
    {
        var waiting = _appenderWaiting;
        _appenderWaiting = false;
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
