namespace Qwen3Tts.Grains;

/// <summary>
/// Encodes a reference clip into a voice, on any silo (a stateless worker next to its caller, so a gateway board
/// without models takes uploads): it asks the vocoder role for the codes and the talker role for the x-vector, at
/// the same time, and puts the two together.
/// </summary>
public interface IVoiceCloneGrain : IGrainWithIntegerKey, IPlacedGrain
{
    [ResponseTimeout(RoleCallTimeouts.VoiceEncoding)]
    Task<EncodedVoiceDto> EncodeAsync(ReferenceClipDto clip, CancellationToken cancellationToken = default);
}

/// <summary>
/// The speech tokenizer's audio encoder, on vocoder silos: they hold <c>speech_tokenizer/model.safetensors</c>, whose
/// decoder half is their vocoder, so the encoder half comes with no extra files (it is loaded on the first clip).
/// </summary>
public interface IVoiceEncoderGrain : IGrainWithIntegerKey, IPlacedGrain
{
    [ResponseTimeout(RoleCallTimeouts.VoiceEncoding)]
    Task<ReferenceCodesDto> EncodeAsync(ReferenceClipDto clip, CancellationToken cancellationToken = default);
}

/// <summary>
/// The speaker encoder (x-vector), on talker silos: it lives in the Base model's root <c>model.safetensors</c>, the
/// file the talker itself is loaded from, and its x-vector has the talker's width. No x-vector comes back when the
/// talker's model set has no speaker encoder (the seed's layout, CustomVoice, VoiceDesign).
/// </summary>
public interface ISpeakerEncoderGrain : IGrainWithIntegerKey, IPlacedGrain
{
    [ResponseTimeout(RoleCallTimeouts.VoiceEncoding)]
    Task<SpeakerEmbeddingDto> ExtractAsync(ReferenceClipDto clip, CancellationToken cancellationToken = default);
}
