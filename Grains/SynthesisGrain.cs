using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Orleans.Placement;
using Qwen3Tts.Grains.Channels;
using Qwen3Tts.Grains.Hosting;
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
    public async IAsyncEnumerable<AudioChunkDto> SynthesizeAsync(SynthesisRequestDto request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var requestId = this.GetPrimaryKeyString();
        try
        {
            // A silo draining for shutdown finishes the requests it has and takes no new ones.
            using var work = drain.TryStart() ?? throw SiloShutdown.Refusal(GrainRoles.Gateway);
            // The role state of a request lives in activations keyed by its id; disposing the channels
            // (completion, error or the caller going away) releases that state at once.
            await using var talker = new GrainTalkerChannel(GrainFactory.GetGrain<ITalkerGrain>(requestId));
            await using var predictor = new GrainPredictorChannel(GrainFactory.GetGrain<IPredictorGrain>(requestId));
            await using var vocoder = new GrainVocoderChannel(GrainFactory.GetGrain<IVocoderGrain>(requestId));
            await using var chunks = SynthesisLoop.RunAsync(WithSiloDefaults(request.ToInference()), talker, predictor, vocoder, cancellationToken).GetAsyncEnumerator(cancellationToken);
            while (await NextAsync(chunks, requestId))
            {
                var chunk = chunks.Current;
                yield return new AudioChunkDto(TensorBytes.FromFloats(chunk.Samples.Span), chunk.FramesSoFar, chunk.IsLast, chunk.Codes);
            }
        }
        finally
        {
            DeactivateOnIdle();
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
