using Orleans.Concurrency;
using Qwen3Tts.Grains.Lifetime;
using Qwen3Tts.Grains.Placement;
using Qwen3Tts.Inference.Voices.Cloning;

namespace Qwen3Tts.Grains;

/// <summary>
/// A clip's x-vector, on talker silos only (see <see cref="ISpeakerEncoderGrain"/> for why). One activation per silo,
/// reentrant so every clip it accepted counts in the silo's drain; the clips take turns (<see cref="ClipTurns"/>).
/// </summary>
[StatelessWorker(1)]
[Reentrant]
[RequireSiloRole(GrainRoles.Talker)]
public sealed class SpeakerEncoderGrain(ReferenceSpeakerEncoder encoder, ClipTurns turns) : Grain, ISpeakerEncoderGrain
{
    public async Task<SpeakerEmbeddingDto> ExtractAsync(ReferenceClipDto clip, CancellationToken cancellationToken)
    {
        var (embedding, name) = await turns.RunAsync(GrainRoles.Talker, () => encoder.Extract(TensorBytes.ToFloats(clip.Samples), clip.SampleRate, cancellationToken), cancellationToken);
        return new SpeakerEmbeddingDto(embedding is null ? null : TensorBytes.FromFloats(embedding), name);
    }

    public Task<string> GetSiloAsync() => Task.FromResult(RuntimeIdentity);
}
