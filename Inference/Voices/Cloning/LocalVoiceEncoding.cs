using Qwen3Tts.Inference.Codec.Encoder;
using Qwen3Tts.Inference.Models.Store;

namespace Qwen3Tts.Inference.Voices.Cloning;

/// <summary>
/// Encodes in this process with the model set's speech tokenizer (and speaker encoder), loaded on first use: a
/// server that never clones never pays for the encoder's weights. One clip at a time, since the encoder already
/// uses every thread it is given.
/// </summary>
public sealed class LocalVoiceEncoding(ModelStore store, MimiEncoderOptions? options = null) : IVoiceEncoding
{
    private readonly Lazy<VoiceProfileEncoder> _encoder = new(() => VoiceProfileEncoder.Open(store, options), LazyThreadSafetyMode.ExecutionAndPublication);
    private readonly SemaphoreSlim _one = new(1, 1);

    public async Task<EncodedVoice> EncodeAsync(ReferenceAudio clip, string referenceText, CancellationToken cancellationToken = default)
    {
        await _one.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await Task.Run(() => _encoder.Value.Encode(clip, referenceText, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _one.Release();
        }
    }
}
