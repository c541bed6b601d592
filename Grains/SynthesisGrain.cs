using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Orleans.Placement;
using Qwen3Tts.Grains.Hosting;
using Qwen3Tts.Grains.Channels;
using Qwen3Tts.Grains.Lifetime;
using Qwen3Tts.Inference.Pipeline;

namespace Qwen3Tts.Grains;

/// <summary>
/// One request end to end: the same <see cref="SynthesisLoop"/> as the in-process synthesizer, over grain-backed
/// channels, so the cluster yields the same audio for the same seed. Placed on the silo that received the call.
/// The activation lives exactly as long as its request (see <see cref="Lifetime.RequestEndDeactivationFilter"/>).
/// </summary>
[PreferLocalPlacement]
public sealed class SynthesisGrain(SiloDrain drain, ILogger<SynthesisGrain> logger, TtsSiloOptions options) : Grain, ISynthesisGrain
{
    // Set while the request's stream runs: between its calls (one per chunk) the activation is idle but busy.
    private bool _serving;

    public async IAsyncEnumerable<AudioChunkDto> SynthesizeAsync(SynthesisRequestDto request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var requestId = this.GetPrimaryKeyString();
        _serving = true;
        try
        {
            // A silo draining for shutdown finishes the requests it has and takes no new ones.
            using var work = drain.TryStart() ?? throw SiloShutdown.Refusal(GrainRoles.Gateway);
            // Long texts are spoken chunk by chunk, exactly as in process (SynthesisLoop.RunTextAsync).
            await using var channels = new GrainChannels(GrainFactory, requestId);
            await using var chunks = SynthesisLoop.RunTextAsync(WithSiloDefaults(request.ToInference()), channels, options.LongText, logger, cancellationToken)
                .GetAsyncEnumerator(cancellationToken);
            while (await NextAsync(chunks, requestId))
            {
                var chunk = chunks.Current;
                yield return new AudioChunkDto(TensorBytes.FromFloats(chunk.Samples.Span), chunk.FramesSoFar, chunk.IsLast, chunk.Codes);
            }
        }
        finally
        {
            _serving = false;
            DeactivateOnIdle();
        }
    }

    /// <summary>An activation that holds no request 2 s after it started ends itself (<see cref="IdleActivationReaper"/>).</summary>
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        IdleActivationReaper.Register(this, () => _serving, DeactivateOnIdle);
        return base.OnActivateAsync(cancellationToken);
    }

    /// <summary>
    /// The role state of a request lives in activations keyed by its id, on one talker, one predictor and one vocoder
    /// silo for all its chunks: the loop disposes each chunk's talker and vocoder channels when the chunk ends, fails or
    /// the caller goes away (freeing its KV sequence and decoder stream), and disposing these channels releases the
    /// activations. A silo asked to stop thus finishes every chunk of the requests it serves: a later chunk needs no
    /// new activation, which a draining silo could not take.
    /// </summary>
    private sealed class GrainChannels(IGrainFactory grains, string requestId) : IUtteranceChannels, IAsyncDisposable
    {
        private readonly ITalkerGrain _talker = grains.GetGrain<ITalkerGrain>(requestId);
        private readonly IVocoderGrain _vocoder = grains.GetGrain<IVocoderGrain>(requestId);
        private readonly GrainPredictorChannel _predictor = new(grains.GetGrain<IPredictorGrain>(requestId));
        private readonly List<GrainVocoderChannel> _streams = [];

        public IPredictorChannel Predictor => _predictor;

        public ITalkerChannel CreateTalker(int chunk) => new GrainTalkerChannel(_talker, endsRequest: false);

        public IVocoderChannel CreateVocoder(int chunk)
        {
            var stream = new GrainVocoderChannel(_vocoder, endsRequest: false);
            _streams.Add(stream);
            return stream;
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                await RoleCalls.ReleaseAsync(GrainRoles.Talker, _talker.ReleaseAsync);
            }
            finally
            {
                try
                {
                    if (_streams.Any(s => s.Used))
                    {
                        await RoleCalls.ReleaseAsync(GrainRoles.Vocoder, _vocoder.ReleaseAsync);
                    }
                }
                finally
                {
                    await _predictor.DisposeAsync();
                }
            }
        }
    }

    public Task<string> GetSiloAsync() => Task.FromResult(RuntimeIdentity);

    // The role that failed was named where it was called; what reaches the caller is that name and a message
    // without internals, while the log keeps the whole exception.
    /// <summary>cluster.json's EOS mode for a request that names none.</summary>
    private SynthesisRequest WithSiloDefaults(SynthesisRequest request) =>
        request.EosMode is null && options.Eos is { } eos ? request with { EosMode = eos } : request;

    private async ValueTask<bool> NextAsync(IAsyncEnumerator<AudioChunk> chunks, string requestId)
    {
        try
        {
            return await chunks.MoveNextAsync();
        }
        catch (RoleFailureException failure)
        {
            logger.LogWarning(failure.InnerException, "request {RequestId}: {Role} {Failure}: {Message}", requestId, failure.Role, failure.Failure, failure.Message);
            throw;
        }
    }
}
