using Qwen3Tts.Inference.Pipeline;

namespace Qwen3Tts.Grains.Channels;

/// <summary>
/// <see cref="ITalkerChannel"/> over a request's <see cref="ITalkerGrain"/>; disposing frees its KV sequence, and ends
/// the activation unless the request speaks more utterances there (<paramref name="endsRequest"/> false: a chunk of a
/// long text, whose owner releases the grain after the last). Its failures name the talker.
/// </summary>
public sealed class GrainTalkerChannel(ITalkerGrain grain, bool endsRequest = true) : ITalkerChannel
{
    public async Task<TalkerStartResult> StartAsync(SynthesisRequest request, ulong seed, float eosBoost, CancellationToken cancellationToken)
    {
        var start = await RoleCalls.CallAsync(GrainRoles.Talker, () => grain.StartAsync(request.ToDto(), seed, eosBoost, cancellationToken));
        return new TalkerStartResult(ToResult(start.First), start.PromptRows, start.ExpectedFrames, start.FrameCapacity,
            start.EosCode, start.DefaultMaxFrames, start.PredictorSampling.ToInference());
    }

    public async ValueTask<TalkerStepResult> StepAsync(ReadOnlyMemory<float> feedback, int usedCode0, float eosBoost, CancellationToken cancellationToken) =>
        ToResult(await RoleCalls.CallAsync(GrainRoles.Talker, () => grain.StepAsync(TensorBytes.FromFloats(feedback.Span), usedCode0, eosBoost, cancellationToken)));

    public async ValueTask DisposeAsync() =>
        await RoleCalls.ReleaseAsync(GrainRoles.Talker, endsRequest ? grain.ReleaseAsync : grain.EndUtteranceAsync);

    private static TalkerStepResult ToResult(TalkerStepDto step) => new(TensorBytes.ToFloats(step.Hidden), step.Code0);
}
