using Qwen3Tts.Grains.Lifetime;
using Qwen3Tts.Grains.Placement;
using Qwen3Tts.Inference.Pipeline;
using Qwen3Tts.Inference.Predictor;

namespace Qwen3Tts.Grains;

/// <summary>
/// The code predictor of one request, on predictor silos only. Every frame is seeded through <c>StepSeeds</c> and the
/// predictor's cache is fresh per frame, so which activation serves a frame does not change the codes. One activation
/// per request keeps the request on one silo from its first frame to its last, so a silo that is shutting down can
/// finish the requests it serves. The frames of all of them go to the silo's one <see cref="CodePredictorQueue"/>,
/// which runs the frames waiting for it as one batched forward.
/// </summary>
[RequireSiloRole(GrainRoles.Predictor)]
public sealed class PredictorGrain(CodePredictorQueue queue, SiloDrain drain) : Grain, IPredictorGrain
{
    // A request's frames come one after another (each needs the talker step the previous one fed), so one slot.
    private readonly LocalPredictorChannel.FrameSlot _slot = new();
    private SiloDrain.Work? _work;

    public async Task<PredictedFrameDto> PredictAsync(byte[] talkerHidden, int code0, SamplingDto sampling, ulong seed, int frameIndex, long[]? teacherCodes,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _work ??= drain.TryStart() ?? throw SiloShutdown.Refusal(GrainRoles.Predictor);
        var frame = await LocalPredictorChannel.PredictAsync(queue, _slot, TensorBytes.ToFloats(talkerHidden), code0, sampling.ToInference(), seed, frameIndex,
            teacherCodes, cancellationToken);
        // The slot's arrays are overwritten by the next frame; the [Immutable] reply may be passed by reference in-silo.
        return new PredictedFrameDto(frame.Codes.ToArray(), TensorBytes.FromFloats(frame.Feedback), frame.Choices);
    }

    public Task ReleaseAsync()
    {
        EndWork();
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public Task<string> GetSiloAsync() => Task.FromResult(RuntimeIdentity);

    /// <summary>
    /// An activation that holds no request 2 s after it started ends itself (<see cref="IdleActivationReaper"/>): the
    /// late cancellation of a frame the caller gave up on reaches a released predictor and recreates it (the load run
    /// with hang-ups left one such activation per ~80 hang-ups).
    /// </summary>
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        IdleActivationReaper.Register(this, () => _work is not null, DeactivateOnIdle);
        return base.OnActivateAsync(cancellationToken);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        EndWork();
        return base.OnDeactivateAsync(reason, cancellationToken);
    }

    private void EndWork()
    {
        // The request ended (or its activation is going): the silo's queue stops expecting its frames.
        LocalPredictorChannel.Leave(queue, _slot);
        _work?.Dispose();
        _work = null;
    }
}
