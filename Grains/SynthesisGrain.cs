using System.Runtime.CompilerServices;
using Orleans.Placement;
using Qwen3Tts.Grains.Channels;
using Qwen3Tts.Inference.Pipeline;

namespace Qwen3Tts.Grains;

/// <summary>
/// One request end to end: the same <see cref="SynthesisLoop"/> as the in-process synthesizer, over grain-backed
/// channels, so the cluster yields the same audio for the same seed. Placed on the silo that received the call.
/// </summary>
[PreferLocalPlacement]
public sealed class SynthesisGrain : Grain, ISynthesisGrain
{
    public async IAsyncEnumerable<AudioChunkDto> SynthesizeAsync(SynthesisRequestDto request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var requestId = this.GetPrimaryKeyString();
        // The talker and vocoder state of a request live in activations keyed by its id; disposing the
        // channels (completion, error or the caller going away) releases that state at once.
        await using var talker = new GrainTalkerChannel(GrainFactory.GetGrain<ITalkerGrain>(requestId));
        await using var vocoder = new GrainVocoderChannel(GrainFactory.GetGrain<IVocoderGrain>(requestId));
        var predictor = new GrainPredictorChannel(GrainFactory.GetGrain<IPredictorGrain>(0));
        await foreach (var chunk in SynthesisLoop.RunAsync(request.ToInference(), talker, predictor, vocoder, cancellationToken))
        {
            yield return new AudioChunkDto(TensorBytes.FromFloats(chunk.Samples.Span), chunk.FramesSoFar, chunk.IsLast);
        }
        DeactivateOnIdle();
    }

    public Task<string> GetSiloAsync() => Task.FromResult(RuntimeIdentity);
}
