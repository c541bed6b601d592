using Qwen3Tts.Inference.Pipeline;

namespace Qwen3Tts.Grains.Channels;

/// <summary>
/// <see cref="ITalkerChannel"/> over a request's <see cref="ITalkerGrain"/>; disposing frees its KV sequence. Its
/// failures name the talker.
/// </summary>
public sealed class GrainTalkerChannel(ITalkerGrain grain) : ITalkerChannel
{
    public async Task<TalkerStartResult> StartAsync(SynthesisRequest request, ulong seed, float eosBoost, CancellationToken cancellationToken)
    {
        var start = await RoleCalls.CallAsync(GrainRoles.Talker, () => grain.StartAsync(request.ToDto(), seed, eosBoost, cancellationToken));
        return new TalkerStartResult(ToResult(start.First), start.PromptRows, start.ExpectedFrames, start.FrameCapacity,
            start.EosCode, start.DefaultMaxFrames, start.PredictorSampling.ToInference());
    }

    public async Task<TalkerStepResult> StepAsync(ReadOnlyMemory<float> feedback, int usedCode0, float eosBoost, CancellationToken cancellationToken) =>
        ToResult(await RoleCalls.CallAsync(GrainRoles.Talker, () => grain.StepAsync(TensorBytes.FromFloats(feedback.Span), usedCode0, eosBoost, cancellationToken)));

    public async ValueTask DisposeAsync()
    {
        try
        {
            await grain.ReleaseAsync();
        }
        catch (Exception exception) when (RoleCalls.Name(GrainRoles.Talker, exception) is { Failure: RoleFailure.Unavailable })
        {
            // The talker silo is gone, and its KV sequence with it: nothing is left to release.
        }
    }

    private static TalkerStepResult ToResult(TalkerStepDto step) => new(TensorBytes.ToFloats(step.Hidden), step.Code0);
}
