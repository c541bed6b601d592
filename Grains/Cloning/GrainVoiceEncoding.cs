using Qwen3Tts.Inference.Codec.Encoder;
using Qwen3Tts.Inference.Voices.Cloning;

namespace Qwen3Tts.Grains.Cloning;

/// <summary>Voice encoding by the cluster, for code that runs in a silo (the HTTP gateway): one call to <see cref="IVoiceCloneGrain"/>.</summary>
public sealed class GrainVoiceEncoding(IGrainFactory grains) : IVoiceEncoding
{
    public async Task<EncodedVoice> EncodeAsync(ReferenceAudio clip, string referenceText, CancellationToken cancellationToken = default)
    {
        var encoded = await grains.GetGrain<IVoiceCloneGrain>(0).EncodeAsync(clip.ToDto(), cancellationToken);
        return encoded.ToEncodedVoice(clip, referenceText);
    }
}
