using Qwen3Tts.Grains.Hosting;
using Qwen3Tts.Grains.Placement;
using Qwen3Tts.Inference.Pipeline;
using Qwen3Tts.Inference.Talker;

namespace Qwen3Tts.Grains;

/// <summary>
/// The talker side of one request. The activation owns the request's <see cref="TalkerUtterance"/> (its KV
/// sequence), so every step of the request runs on the talker silo that prefilled it.
/// </summary>
[RequireSiloRole(GrainRoles.Talker)]
public sealed class TalkerGrain(TalkerEngine engine, TtsSiloOptions options) : Grain, ITalkerGrain
{
    private TalkerUtterance? _utterance;

    public async Task<TalkerStartDto> StartAsync(SynthesisRequestDto request, ulong seed, float eosBoost, CancellationToken cancellationToken)
    {
        if (_utterance is not null)
        {
            throw new InvalidOperationException($"request '{this.GetPrimaryKeyString()}' has already started on this talker");
        }
        _utterance = new TalkerUtterance(engine);
        // The start waits for a free KV sequence; bound that wait so a full talker gives an error, not a hang.
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(options.TalkerSequenceWait);
        try
        {
            var start = await _utterance.StartAsync(request.ToInference(), seed, eosBoost, wait.Token);
            return new TalkerStartDto(ToDto(start.First), start.PromptRows, start.ExpectedFrames, start.FrameCapacity);
        }
        catch (OperationCanceledException) when (wait.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            await ReleaseAsync();
            throw new TimeoutException(
                $"the talker found no free KV sequence within {options.TalkerSequenceWait.TotalSeconds:F0} s (MaxSequences = {engine.Model.Options.MaxSequences}); too many concurrent requests");
        }
        catch
        {
            await ReleaseAsync();
            throw;
        }
    }

    public async Task<TalkerStepDto> StepAsync(byte[] feedback, float eosBoost, CancellationToken cancellationToken)
    {
        var utterance = _utterance ?? throw new InvalidOperationException($"request '{this.GetPrimaryKeyString()}' has not started on this talker");
        return ToDto(await utterance.StepAsync(TensorBytes.ToFloats(feedback), eosBoost, cancellationToken));
    }

    public async Task ReleaseAsync()
    {
        var utterance = _utterance;
        _utterance = null;
        if (utterance is not null)
        {
            await utterance.DisposeAsync();
            DeactivateOnIdle();
        }
    }

    public Task<string> GetSiloAsync() => Task.FromResult(RuntimeIdentity);

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // A request abandoned without a release (caller crashed) must not keep its KV sequence forever.
        await ReleaseAsync();
        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    private static TalkerStepDto ToDto(TalkerStepResult step) => new(TensorBytes.FromFloats(step.Hidden.Span), step.Code0);
}
