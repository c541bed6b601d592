using System.Collections.Concurrent;
using Orleans.Concurrency;
using Qwen3Tts.Grains.Placement;
using Qwen3Tts.Inference.Pipeline;
using Qwen3Tts.Inference.Predictor;

namespace Qwen3Tts.Grains;

/// <summary>
/// The code predictor. Every frame is seeded through <c>StepSeeds</c> and the predictor's cache is fresh per
/// frame, so any activation gives identical results. The frames go to the silo's one
/// <see cref="CodePredictorQueue"/>, which runs the frames waiting for it as one batched forward; the
/// grain is reentrant so that frames of concurrent requests can wait in that queue together.
/// </summary>
[StatelessWorker]
[Reentrant]
[RequireSiloRole(GrainRoles.Predictor)]
public sealed class PredictorGrain(CodePredictorQueue queue) : Grain, IPredictorGrain
{
    private readonly ConcurrentBag<LocalPredictorChannel.StepSampler> _samplers = [];

    public async Task<PredictedFrameDto> PredictAsync(byte[] talkerHidden, int code0, SamplingDto sampling, ulong seed, int frameIndex, long[]? teacherCodes,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var sampler = _samplers.TryTake(out var free) ? free : new LocalPredictorChannel.StepSampler();
        try
        {
            var frame = await LocalPredictorChannel.PredictAsync(queue, sampler, TensorBytes.ToFloats(talkerHidden), code0, sampling.ToInference(), seed, frameIndex,
                teacherCodes, cancellationToken);
            return new PredictedFrameDto(frame.Codes, TensorBytes.FromFloats(frame.Feedback), frame.Choices);
        }
        finally
        {
            _samplers.Add(sampler);
        }
    }

    public Task<string> GetSiloAsync() => Task.FromResult(RuntimeIdentity);
}
