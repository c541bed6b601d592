using Qwen3Tts.Inference.Pipeline;
using Qwen3Tts.Inference.Vocoder;

namespace Qwen3Tts.Grains.Channels;

/// <summary>
/// <see cref="IVocoderChannel"/> over a request's <see cref="IVocoderGrain"/>; disposing drops its stream.
/// The grain decodes a window inside the append call that completes it, so awaiting every append would
/// stall generation for the whole decode. Instead at most one append call is in flight: frames produced
/// meanwhile are batched into the next call, and the audio of a finished call is returned by a later
/// append, so audio keeps its order and generation overlaps decoding, as with <see cref="LocalVocoderChannel"/>.
/// Until the first audio has come back, though, each append waits for its call: the call that completes the first
/// chunk returns that chunk's samples at once (time to first audio = the first chunk + one decode + one round trip).
/// Every failure of those calls, whenever it is noticed, names the vocoder. With <paramref name="endsRequest"/> false
/// (a chunk of a long text) disposing ends only this stream, and the owner releases the grain after the last chunk.
/// </summary>
public sealed class GrainVocoderChannel(IVocoderGrain grain, bool endsRequest = true) : IVocoderChannel
{
    /// <summary>
    /// When this many frames wait behind a call in flight, the next append waits for that call: bounds
    /// the payload (128 bytes a frame) and how far generation runs ahead of a slow vocoder.
    /// </summary>
    public const int MaxBatchFrames = 32;

    private const int Codes = VocoderModel.CodebookCount;

    private readonly long[] _pending = new long[MaxBatchFrames * Codes];
    private int _pendingFrames;
    private Task<byte[]>? _inFlight;
    private bool _used;
    private bool _audioStarted;

    /// <summary>Whether any call reached the vocoder grain (else there is nothing there to release).</summary>
    public bool Used => _used;

    public async Task PrimeAsync(ReadOnlyMemory<long> referenceCodes, CancellationToken cancellationToken)
    {
        var codes = referenceCodes.ToArray();
        _used = true;
        await RoleCalls.CallAsync(GrainRoles.Vocoder, () => grain.PrimeAsync(codes, cancellationToken));
    }

    public async ValueTask<ReadOnlyMemory<float>> AppendAsync(ReadOnlyMemory<long> frameCodes, CancellationToken cancellationToken)
    {
        if (frameCodes.Length != Codes)
        {
            throw new ArgumentException($"expected one frame of {Codes} codes, got {frameCodes.Length}", nameof(frameCodes));
        }
        frameCodes.Span.CopyTo(_pending.AsSpan(_pendingFrames * Codes));
        _pendingFrames++;

        if (!_audioStarted)
        {
            var frames = TakePending();
            _used = true;
            var first = TensorBytes.ToFloats(await RoleCalls.CallAsync(GrainRoles.Vocoder, () => grain.AppendAsync(frames, cancellationToken)));
            _audioStarted = first.Length > 0;
            return first;
        }

        if (_inFlight is not null && !_inFlight.IsCompleted && _pendingFrames < MaxBatchFrames)
        {
            return ReadOnlyMemory<float>.Empty;
        }
        // A failed call surfaces here, on the next frame, rather than after the whole utterance.
        var ready = await CompleteInFlightAsync();
        var batch = TakePending();
        _used = true;
        _inFlight = RoleCalls.CallAsync(GrainRoles.Vocoder, () => grain.AppendAsync(batch, cancellationToken));
        return ready;
    }

    public async ValueTask<ReadOnlyMemory<float>> FlushAsync(CancellationToken cancellationToken)
    {
        var parts = new List<float[]> { await CompleteInFlightAsync() };
        _used = true;
        if (_pendingFrames > 0)
        {
            var batch = TakePending();
            parts.Add(TensorBytes.ToFloats(await RoleCalls.CallAsync(GrainRoles.Vocoder, () => grain.AppendAsync(batch, cancellationToken))));
        }
        parts.Add(TensorBytes.ToFloats(await RoleCalls.CallAsync(GrainRoles.Vocoder, () => grain.FlushAsync(cancellationToken))));
        return Concat(parts);
    }

    public async ValueTask DisposeAsync()
    {
        if (_inFlight is { } abandoned)
        {
            _inFlight = null;
            try
            {
                await abandoned;
            }
            catch (Exception)
            {
                // Only reached when the utterance already ended with an error, a cancellation or the caller
                // leaving; that outcome is what the caller sees, not a decode the request no longer needs.
            }
        }
        if (!_used)
        {
            // No call ever reached the vocoder (the request failed before its first frame): releasing would only
            // activate the grain to drop a stream it never had.
            return;
        }
        await RoleCalls.ReleaseAsync(GrainRoles.Vocoder, endsRequest ? grain.ReleaseAsync : grain.EndStreamAsync);
    }

    private async Task<float[]> CompleteInFlightAsync()
    {
        if (_inFlight is not { } call)
        {
            return [];
        }
        _inFlight = null;
        return TensorBytes.ToFloats(await call);
    }

    private long[] TakePending()
    {
        var batch = _pending.AsSpan(0, _pendingFrames * Codes).ToArray();
        _pendingFrames = 0;
        return batch;
    }

    private static float[] Concat(List<float[]> parts)
    {
        var joined = new float[parts.Sum(p => p.Length)];
        var offset = 0;
        foreach (var part in parts)
        {
            part.CopyTo(joined, offset);
            offset += part.Length;
        }
        return joined;
    }
}
