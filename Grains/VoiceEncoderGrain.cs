using Orleans.Concurrency;
using Qwen3Tts.Grains.Lifetime;
using Qwen3Tts.Grains.Placement;
using Qwen3Tts.Inference.Voices.Cloning;

namespace Qwen3Tts.Grains;

/// <summary>
/// A clip's speech-tokenizer codes, on vocoder silos only (see <see cref="IVoiceEncoderGrain"/> for why). One
/// activation per silo, reentrant so every clip it accepted counts in the silo's drain; the clips take turns
/// (<see cref="ClipTurns"/>).
/// </summary>
[StatelessWorker(1)]
[Reentrant]
[RequireSiloRole(GrainRoles.Vocoder)]
public sealed class VoiceEncoderGrain(ReferenceCodesEncoder encoder, ClipTurns turns) : Grain, IVoiceEncoderGrain
{
    public async Task<ReferenceCodesDto> EncodeAsync(ReferenceClipDto clip, CancellationToken cancellationToken)
    {
        var codes = await turns.RunAsync(GrainRoles.Vocoder, () => encoder.Encode(TensorBytes.ToFloats(clip.Samples), clip.SampleRate, cancellationToken), cancellationToken);
        return new ReferenceCodesDto(TensorBytes.FromInt32s(codes.Codes), codes.Frames, codes.Codebooks, codes.SpeechTokenizer, codes.FrameRate);
    }

    public Task<string> GetSiloAsync() => Task.FromResult(RuntimeIdentity);
}
