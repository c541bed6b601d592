using Orleans.Concurrency;
using Qwen3Tts.Grains.Placement;
using Qwen3Tts.Inference.Pipeline;
using Qwen3Tts.Inference.Predictor;

namespace Qwen3Tts.Grains;

/// <summary>
/// The code predictor. Every frame is seeded through <c>StepSeeds</c> and the session is reset per frame, so
/// any activation gives identical results: a stateless worker pool, one session per activation (activations
/// are single-threaded), on predictor silos only.
/// </summary>
[StatelessWorker]
[RequireSiloRole(GrainRoles.Predictor)]
public sealed class PredictorGrain(CodePredictorWeights weights) : Grain, IPredictorGrain
{
    private readonly CodePredictorSession _session = new(weights);
    private readonly LocalPredictorChannel.StepSampler _sampler = new();
    private readonly int[] _codes = new int[CodePredictorWeights.GroupCount];

    public Task<PredictedFrameDto> PredictAsync(byte[] talkerHidden, int code0, SamplingDto sampling, ulong seed, int frameIndex, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var frame = LocalPredictorChannel.Predict(_session, _sampler, _codes, TensorBytes.ToFloats(talkerHidden), code0, sampling.ToInference(), seed, frameIndex);
        return Task.FromResult(new PredictedFrameDto(frame.Codes, TensorBytes.FromFloats(frame.Feedback)));
    }

    public Task<string> GetSiloAsync() => Task.FromResult(RuntimeIdentity);
}
