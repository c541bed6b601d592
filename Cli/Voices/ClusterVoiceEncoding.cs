using Qwen3Tts.Client;
using Qwen3Tts.Inference.Codec.Encoder;
using Qwen3Tts.Inference.Voices.Cloning;

namespace Qwen3Tts.Cli.Voices;

/// <summary>Encodes clips on a cluster's boards through the client: the clip is checked and resampled here, encoded there.</summary>
internal sealed class ClusterVoiceEncoding(Qwen3TtsClient client) : IVoiceEncoding
{
    public async Task<EncodedVoice> EncodeAsync(ReferenceAudio clip, string referenceText, CancellationToken cancellationToken = default)
    {
        var voice = await client.EncodeVoiceAsync(clip.Samples, clip.SampleRate, cancellationToken).ConfigureAwait(false);
        var codes = new ReferenceCodes(voice.Codes, voice.Frames, voice.Codebooks, voice.SpeechTokenizer, voice.FrameRate);
        return EncodedVoices.Assemble(clip, referenceText, codes, voice.SpeakerEmbedding, voice.SpeakerEncoder);
    }
}
