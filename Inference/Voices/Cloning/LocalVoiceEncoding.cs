using Qwen3Tts.Inference.Codec.Encoder;
using Qwen3Tts.Inference.Models.Store;

namespace Qwen3Tts.Inference.Voices.Cloning;

/// <summary>
/// Encodes in this process with the model set's speech tokenizer and speaker encoder, each loaded on first use:
/// the same two steps a cluster runs on its vocoder and talker silos, put together the same way. One clip at a
/// time, since the encoder already uses every thread it is given.
/// </summary>
public sealed class LocalVoiceEncoding(ModelStore store, MimiEncoderOptions? options = null) : IVoiceEncoding
{
    private readonly ReferenceCodesEncoder _codes = new(store, options);
    private readonly ReferenceSpeakerEncoder _speaker = new(store);
    private readonly SemaphoreSlim _one = new(1, 1);

    public async Task<EncodedVoice> EncodeAsync(ReferenceAudio clip, string referenceText, CancellationToken cancellationToken = default)
    {
        await _one.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await Task.Run(() =>
            {
                var codes = _codes.Encode(clip.Samples, clip.SampleRate, cancellationToken);
                var (embedding, encoder) = _speaker.Extract(clip.Samples, clip.SampleRate, cancellationToken);
                return EncodedVoices.Assemble(clip, referenceText, codes, embedding, encoder);
            }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _one.Release();
        }
    }
}
