using Orleans.Concurrency;
using Qwen3Tts.Grains.Channels;

namespace Qwen3Tts.Grains;

/// <summary>
/// Encodes a clip into a voice on the silo that received the request (a stateless worker, so any silo, a gateway
/// without models included): the codes from a vocoder silo and the x-vector from a talker silo, asked at once. A
/// failure names the role that failed, as a synthesis does.
/// </summary>
[StatelessWorker]
public sealed class VoiceCloneGrain : Grain, IVoiceCloneGrain
{
    public async Task<EncodedVoiceDto> EncodeAsync(ReferenceClipDto clip, CancellationToken cancellationToken)
    {
        var codes = RoleCalls.CallAsync(GrainRoles.Vocoder, () => GrainFactory.GetGrain<IVoiceEncoderGrain>(0).EncodeAsync(clip, cancellationToken));
        var speaker = RoleCalls.CallAsync(GrainRoles.Talker, () => GrainFactory.GetGrain<ISpeakerEncoderGrain>(0).ExtractAsync(clip, cancellationToken));
        await Task.WhenAll(codes, speaker);
        return new EncodedVoiceDto(await codes, await speaker);
    }

    public Task<string> GetSiloAsync() => Task.FromResult(RuntimeIdentity);
}
