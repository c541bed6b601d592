using Orleans.Concurrency;
using Qwen3Tts.Grains.Placement;
using Qwen3Tts.Inference.Voices.Cloning;

namespace Qwen3Tts.Grains;

/// <summary>A clip's x-vector, on talker silos only (see <see cref="ISpeakerEncoderGrain"/> for why); one activation per silo.</summary>
[StatelessWorker(1)]
[RequireSiloRole(GrainRoles.Talker)]
public sealed class SpeakerEncoderGrain(ReferenceSpeakerEncoder encoder) : Grain, ISpeakerEncoderGrain
{
    public async Task<SpeakerEmbeddingDto> ExtractAsync(ReferenceClipDto clip, CancellationToken cancellationToken)
    {
        var samples = TensorBytes.ToFloats(clip.Samples);
        var (embedding, name) = await Task.Run(() => encoder.Extract(samples, clip.SampleRate, cancellationToken), cancellationToken);
        return new SpeakerEmbeddingDto(embedding is null ? null : TensorBytes.FromFloats(embedding), name);
    }

    public Task<string> GetSiloAsync() => Task.FromResult(RuntimeIdentity);
}
