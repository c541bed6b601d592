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

    public async Task<TalkerStepResult> StepAsync(ReadOnlyMemory<float> feedback, int usedCode0, float eosBoost, CancellationToken cancellationToken)
    {
        using var _ = steps.Start();
        return await inner.StepAsync(feedback, usedCode0, eosBoost, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}

/// <summary>The predictor channel, timed per frame.</summary>
internal sealed class TimedPredictorChannel(IPredictorChannel inner, StageClock clock) : IPredictorChannel
{
    public async Task<PredictedFrame> PredictAsync(ReadOnlyMemory<float> talkerHidden, int code0, SamplingOptions sampling, ulong seed, int frameIndex,
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

    /// <summary>A clone's reference frames: decoder work of the vocoder stage, timed with it.</summary>
    public Task PrimeAsync(ReadOnlyMemory<long> referenceCodes, CancellationToken cancellationToken)
    {
        using var _ = clock.Start();
        _stream.Prime(referenceCodes.Span);
        return Task.CompletedTask;
    }

    public Task<ReadOnlyMemory<float>> AppendAsync(long[] frameCodes, CancellationToken cancellationToken)
    {
        using var _ = clock.Start();
        _stream.Append(frameCodes);
        return Task.FromResult(Decode(flush: false));
    }

    public Task<ReadOnlyMemory<float>> FlushAsync(CancellationToken cancellationToken)
    {
        using var _ = clock.Start();
        return Task.FromResult(Decode(flush: true));
    }

    private ReadOnlyMemory<float> Decode(bool flush)
    {
        var total = ReadOnlyMemory<float>.Empty;
        while (_stream.TryDecode(out var samples, flush))
        {
            // The benchmark only counts samples; joining them costs nothing worth timing and keeps every chunk's length.
            total = total.IsEmpty ? samples : new ReadOnlyMemory<float>([.. total.Span, .. samples.Span]);
        }
        return total;
    }

    public ValueTask DisposeAsync()
    {
        _stream.Dispose();
        return ValueTask.CompletedTask;
    }
}
