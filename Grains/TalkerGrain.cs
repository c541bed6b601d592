using Qwen3Tts.Grains.Admission;
using Qwen3Tts.Grains.Hosting;
using Qwen3Tts.Grains.Lifetime;
using Qwen3Tts.Grains.Placement;
using Qwen3Tts.Inference.Pipeline;
using Qwen3Tts.Inference.Talker;

namespace Qwen3Tts.Grains;

/// <summary>
/// The talker side of one request. The activation owns the request's <see cref="TalkerUtterance"/> (its KV
/// sequence), so every step of the request runs on the talker silo that prefilled it; a long text's chunks are
/// spoken here one after another. A request holds a place in the silo's <see cref="TalkerAdmission"/> (and in its
/// drain) from its first start to its release.
/// </summary>
[RequireSiloRole(GrainRoles.Talker)]
public sealed class TalkerGrain(TalkerEngine engine, TalkerAdmission admission, SiloDrain drain, TtsSiloOptions options) : Grain, ITalkerGrain
{
    private TalkerUtterance? _utterance;
    private SiloDrain.Work? _work;
    private bool _admitted;

    public async Task<TalkerStartDto> StartAsync(SynthesisRequestDto request, ulong seed, float eosBoost, CancellationToken cancellationToken)
    {
        if (_utterance is not null)
        {
            throw new InvalidOperationException($"request '{this.GetPrimaryKeyString()}' has already started on this talker");
        }
        // The request's first utterance takes its places (the drain, the talker's queue); later chunks keep them.
        var first = _work is null;
        if (first)
        {
            _work = drain.TryStart() ?? throw SiloShutdown.Refusal(GrainRoles.Talker);
            try
            {
                admission.Enter();
            }
            catch
            {
                EndWork();
                throw;
            }
            _admitted = true;
        }
        _utterance = new TalkerUtterance(engine);
        // The start waits for a free KV sequence; bound that wait so a full talker gives an error, not a hang.
        var limit = options.TalkerQueue.Wait;
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(limit);
        try
        {
            var start = await _utterance.StartAsync(request.ToInference(), seed, eosBoost, wait.Token);
            return new TalkerStartDto(ToDto(start.First), start.PromptRows, start.ExpectedFrames, start.FrameCapacity,
                start.EosCode, start.DefaultMaxFrames, (start.PredictorSampling ?? engine.Generation.Predictor).ToDto());
        }
        catch (OperationCanceledException) when (wait.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            await EndStartAsync(first);
            throw new RoleFailureException(GrainRoles.Talker, RoleFailure.Busy,
                $"the talker found no free KV sequence within {limit.TotalSeconds:0} s (talker.maxSequences = {engine.Model.Options.MaxSequences}); too many concurrent requests, retry later",
                TimeSpan.FromSeconds(5));
        }
        catch
        {
            await EndStartAsync(first);
            throw;
        }
    }

    // A failed first start lets go of everything at once; a later chunk's keeps the request's places for its caller.
    private Task EndStartAsync(bool first) => first ? ReleaseAsync() : EndUtteranceAsync();

    public async Task EndUtteranceAsync()
    {
        var utterance = _utterance;
        _utterance = null;
        if (utterance is not null)
        {
            await utterance.DisposeAsync();
        }
    }

    public async Task<TalkerStepDto> StepAsync(byte[] feedback, int usedCode0, float eosBoost, CancellationToken cancellationToken)
    {
        if (_utterance is not { } utterance)
        {
            // A step that arrives after the release (the caller hung up while it was in flight) reaches a fresh
            // activation, which the idle reaper ends (OnActivateAsync), as every other message that comes too late.
            throw new InvalidOperationException($"request '{this.GetPrimaryKeyString()}' has not started on this talker");
        }

        return ToDto(await utterance.StepAsync(TensorBytes.ToFloats(feedback), usedCode0, eosBoost, cancellationToken));
    }

    /// <summary>
    /// Frees the KV sequence and ends the activation, also when there is nothing to free: a release that reaches an
    /// activation created just for it (the request failed to start and already let go) must not leave it idle.
    /// </summary>
    public async Task ReleaseAsync()
    {
        try
        {
            try
            {
                await EndUtteranceAsync();
            }
            finally
            {
                if (_admitted)
                {
                    _admitted = false;
                    admission.Leave();
                }
            }
        }
        finally
        {
            EndWork();
            DeactivateOnIdle();
        }
    }

    private void EndWork()
    {
        _work?.Dispose();
        _work = null;
    }

    public Task<string> GetSiloAsync() => Task.FromResult(RuntimeIdentity);

    /// <summary>An activation that holds no request 2 s after it started ends itself (<see cref="IdleActivationReaper"/>).</summary>
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        IdleActivationReaper.Register(this, () => _work is not null, DeactivateOnIdle);
        return base.OnActivateAsync(cancellationToken);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // A request abandoned without a release (caller crashed) must not keep its KV sequence forever.
        await ReleaseAsync();
        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    private static TalkerStepDto ToDto(TalkerStepResult step) => new(TensorBytes.FromFloats(step.Hidden.Span), step.Code0);
}
