using Qwen3Tts.Grains.Lifetime;
using Qwen3Tts.Grains.Placement;
using Qwen3Tts.Inference.Vocoder;

namespace Qwen3Tts.Grains;

/// <summary>
/// The vocoder stream of one request (an <see cref="IVocoderStream"/> of the silo's vocoder: the exact native
/// decoder, or the ONNX window), on vocoder silos only; a long text's chunks get a fresh stream each, in turn. The
/// request holds its place in a draining silo from its first frame to its release.
/// </summary>
[RequireSiloRole(GrainRoles.Vocoder)]
public sealed class VocoderGrain(IVocoder vocoder, SiloDrain drain) : Grain, IVocoderGrain
{
    private const int Codes = VocoderModel.CodebookCount;
    private IVocoderStream? _stream;
    private SiloDrain.Work? _work;
    private bool _flushed;

    public Task PrimeAsync(long[] referenceCodes, CancellationToken cancellationToken)
    {
        if (_stream is { FramesAppended: > 0 } || _flushed)
        {
            throw new InvalidOperationException($"the vocoder stream of request '{this.GetPrimaryKeyString()}' already has frames; prime it first");
        }
        if (referenceCodes.Length == 0 || referenceCodes.Length % Codes != 0)
        {
            throw new ArgumentException(
                $"request '{this.GetPrimaryKeyString()}': expected whole reference frames of {Codes} codes, got {referenceCodes.Length} codes", nameof(referenceCodes));
        }
        _work ??= drain.TryStart() ?? throw SiloShutdown.Refusal(GrainRoles.Vocoder);
        (_stream ??= vocoder.OpenStream()).Prime(referenceCodes);
        return Task.CompletedTask;
    }

    public Task<byte[]> AppendAsync(long[] framesCodes, CancellationToken cancellationToken)
    {
        if (_flushed)
        {
            throw new InvalidOperationException($"the vocoder stream of request '{this.GetPrimaryKeyString()}' is already flushed");
        }
        if (framesCodes.Length == 0 || framesCodes.Length % Codes != 0)
        {
            throw new ArgumentException(
                $"request '{this.GetPrimaryKeyString()}': expected whole frames of {Codes} codes, got {framesCodes.Length} codes", nameof(framesCodes));
        }
        _work ??= drain.TryStart() ?? throw SiloShutdown.Refusal(GrainRoles.Vocoder);
        var stream = _stream ??= vocoder.OpenStream();
        // Chunks are decoded only once enough frames wait, so appending a batch and then decoding yields the
        // same samples as appending and decoding frame by frame (the native decoder is exact under any chunking;
        // the ONNX windows are cut at the same frames).
        for (var offset = 0; offset < framesCodes.Length; offset += Codes)
        {
            stream.Append(framesCodes.AsSpan(offset, Codes));
        }
        return Task.FromResult(Decode(stream, flush: false, cancellationToken));
    }

    public Task<byte[]> FlushAsync(CancellationToken cancellationToken)
    {
        var stream = _stream ?? throw new InvalidOperationException($"the vocoder stream of request '{this.GetPrimaryKeyString()}' has no frames");
        _flushed = true;
        return Task.FromResult(Decode(stream, flush: true, cancellationToken));
    }

    /// <summary>Drops the utterance's stream; the request's next utterance opens a new one here.</summary>
    public Task EndStreamAsync()
    {
        DropStream();
        return Task.CompletedTask;
    }

    /// <summary>Drops the stream and ends the activation (also one created just for this call).</summary>
    public Task ReleaseAsync()
    {
        DropAll();
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        DropAll();
        return base.OnDeactivateAsync(reason, cancellationToken);
    }

    private void DropAll()
    {
        DropStream();
        _work?.Dispose();
        _work = null;
    }

    private void DropStream()
    {
        _stream?.Dispose();
        _stream = null;
        _flushed = false;
    }

    public Task<string> GetSiloAsync() => Task.FromResult(RuntimeIdentity);

    /// <summary>
    /// An activation that holds no request 2 s after it started ends itself (<see cref="IdleActivationReaper"/>; a
    /// stream exists only while its request holds a place in the drain): the late cancellation of an append the caller
    /// gave up on reaches a released vocoder and recreates it (seen in the load run with hang-ups).
    /// </summary>
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        IdleActivationReaper.Register(this, () => _work is not null, DeactivateOnIdle);
        return base.OnActivateAsync(cancellationToken);
    }

    private static byte[] Decode(IVocoderStream stream, bool flush, CancellationToken cancellationToken)
    {
        var parts = new List<ReadOnlyMemory<float>>();
        while (stream.TryDecode(out var samples, flush))
        {
            cancellationToken.ThrowIfCancellationRequested();
            parts.Add(samples);
        }
        var joined = new float[parts.Sum(p => p.Length)];
        var offset = 0;
        foreach (var part in parts)
        {
            part.Span.CopyTo(joined.AsSpan(offset));
            offset += part.Length;
        }
        return TensorBytes.FromFloats(joined);
    }
}
