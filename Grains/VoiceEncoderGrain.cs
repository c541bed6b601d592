using Orleans.Concurrency;
using Qwen3Tts.Grains.Placement;
using Qwen3Tts.Inference.Voices.Cloning;

namespace Qwen3Tts.Grains;

/// <summary>
/// A clip's speech-tokenizer codes, on vocoder silos only (see <see cref="IVoiceEncoderGrain"/> for why). One
/// activation per silo: the encoder already spreads one clip over every core, so clips take turns.
/// </summary>
[StatelessWorker(1)]
[RequireSiloRole(GrainRoles.Vocoder)]
public sealed class VoiceEncoderGrain(ReferenceCodesEncoder encoder) : Grain, IVoiceEncoderGrain
{
    public async Task<ReferenceCodesDto> EncodeAsync(ReferenceClipDto clip, CancellationToken cancellationToken)
    {
        var samples = TensorBytes.ToFloats(clip.Samples);
        var codes = await Task.Run(() => encoder.Encode(samples, clip.SampleRate, cancellationToken), cancellationToken);
        return new ReferenceCodesDto(TensorBytes.FromInt32s(codes.Codes), codes.Frames, codes.Codebooks, codes.SpeechTokenizer, codes.FrameRate);
    }

    public Task<string> GetSiloAsync() => Task.FromResult(RuntimeIdentity);
}
