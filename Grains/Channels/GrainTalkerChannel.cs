using Qwen3Tts.Inference.Pipeline;

namespace Qwen3Tts.Grains.Channels;

/// <summary><see cref="ITalkerChannel"/> over a request's <see cref="ITalkerGrain"/>; disposing frees its KV sequence.</summary>
public sealed class GrainTalkerChannel(ITalkerGrain grain) : ITalkerChannel
{
    public async Task<TalkerStartResult> StartAsync(SynthesisRequest request, ulong seed, float eosBoost, CancellationToken cancellationToken)
    {
        var start = await grain.StartAsync(request.ToDto(), seed, eosBoost, cancellationToken);
        return new TalkerStartResult(ToResult(start.First), start.PromptRows, start.ExpectedFrames, start.FrameCapacity);
    }

    public async Task<TalkerStepResult> StepAsync(ReadOnlyMemory<float> feedback, float eosBoost, CancellationToken cancellationToken) =>
        ToResult(await grain.StepAsync(TensorBytes.FromFloats(feedback.Span), eosBoost, cancellationToken));

    public async ValueTask DisposeAsync() => await grain.ReleaseAsync();

    private static TalkerStepResult ToResult(TalkerStepDto step) => new(TensorBytes.ToFloats(step.Hidden), step.Code0);
}
