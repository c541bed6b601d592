using System.Buffers;
using Qwen3Tts.Inference.Pipeline;
using Qwen3Tts.Inference.Sampling;
using Qwen3Tts.Inference.Vocoder;

namespace Qwen3Tts.Inference.Benchmarks.Pipeline;

/// <summary>The talker channel with its prefill and its per-frame steps timed apart.</summary>
internal sealed class TimedTalkerChannel(ITalkerChannel inner, StageClock prefill, StageClock steps) : ITalkerChannel
{
    public async Task<TalkerStartResult> StartAsync(SynthesisRequest request, ulong seed, float eosBoost, CancellationToken cancellationToken)
    {
        using var _ = prefill.Start();
        return await inner.StartAsync(request, seed, eosBoost, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<TalkerStepResult> StepAsync(ReadOnlyMemory<float> feedback, int usedCode0, float eosBoost, CancellationToken cancellationToken)
    {
        using var _ = steps.Start();
        return await inner.StepAsync(feedback, usedCode0, eosBoost, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}

/// <summary>The predictor channel, timed per frame.</summary>
internal sealed class TimedPredictorChannel(IPredictorChannel inner, StageClock clock) : IPredictorChannel
{
    public async ValueTask<PredictedFrame> PredictAsync(ReadOnlyMemory<float> talkerHidden, int code0, SamplingOptions sampling, ulong seed, int frameIndex,
        long[]? teacherCodes, CancellationToken cancellationToken)
    {
        using var _ = clock.Start();
        return await inner.PredictAsync(talkerHidden, code0, sampling, seed, frameIndex, teacherCodes, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>
/// A vocoder channel that decodes on the caller's thread as soon as a chunk is complete (no background
/// worker), so its cost is not hidden behind the next talker step and can be attributed to it.
/// </summary>
internal sealed class InlineTimedVocoderChannel(IVocoder vocoder, StageClock clock) : IVocoderChannel
{
    private readonly IVocoderStream _stream = vocoder.OpenStream();
    private readonly ArrayBufferWriter<float> _audio = new();

    /// <summary>A clone's reference frames: decoder work of the vocoder stage, timed with it.</summary>
    public Task PrimeAsync(ReadOnlyMemory<long> referenceCodes, CancellationToken cancellationToken)
    {
        using var _ = clock.Start();
        _stream.Prime(referenceCodes.Span);
        return Task.CompletedTask;
    }

    public ValueTask<ReadOnlyMemory<float>> AppendAsync(ReadOnlyMemory<long> frameCodes, CancellationToken cancellationToken)
    {
        using var _ = clock.Start();
        _stream.Append(frameCodes.Span);
        return new ValueTask<ReadOnlyMemory<float>>(Decode(flush: false));
    }

    public ValueTask<ReadOnlyMemory<float>> FlushAsync(CancellationToken cancellationToken)
    {
        using var _ = clock.Start();
        return new ValueTask<ReadOnlyMemory<float>>(Decode(flush: true));
    }

    // Into a reused buffer, as the in-process channel decodes (valid until the next call, IVocoderChannel's rule).
    private ReadOnlyMemory<float> Decode(bool flush)
    {
        _audio.ResetWrittenCount();
        while (_stream.TryDecodeInto(_audio, flush))
        {
        }
        return _audio.WrittenMemory;
    }

    public ValueTask DisposeAsync()
    {
        _stream.Dispose();
        return ValueTask.CompletedTask;
    }
}
