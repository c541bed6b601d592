using Qwen3Tts.Grains;
using Qwen3Tts.Inference.Codec.Encoder;
using Qwen3Tts.Inference.Voices.Cloning;

namespace Qwen3Tts.Gateway.Voices;

/// <summary>
/// A speech request's one-off clone (vLLM-Omni's fields): <c>ref_audio</c>, a WAV clip in base64 or as a data: URL,
/// and <c>ref_text</c>, the words spoken in it. The clip is checked before the request queues and encoded by the
/// cluster once it holds a place; nothing is saved.
/// </summary>
public sealed record OneOffVoice(ReferenceAudio Clip, string ReferenceText)
{
    public const string AudioField = "ref_audio";
    public const string TextField = "ref_text";

    /// <summary>The clip to clone, or null for a request without <c>ref_audio</c>; every bad field a 400 naming it.</summary>
    public static OneOffVoice? Read(SpeechRequest request, ValidatedSpeech speech, CloneLimits limits)
    {
        if (request.RefAudio is null)
        {
            return request.RefText is null ? null
                : throw OpenAiErrorException.InvalidRequest(
                    "'ref_text' goes with 'ref_audio' (the clip it is spoken in); to speak with a saved voice, name it in 'voice'", TextField);
        }
        if (speech.Request.Voice is not null)
        {
            throw OpenAiErrorException.InvalidRequest(
                $"'voice' ({request.Voice}) and 'ref_audio' both give a voice; leave 'voice' out (or \"default\") to clone the clip", "voice");
        }
        var text = VoiceRequestErrors.Guard(TextField, () => ReferenceClips.RequireText(request.RefText, limits));
        var bytes = VoiceRequestErrors.Guard(AudioField, () => ReferenceAudioBytes.Decode(request.RefAudio, limits.MaxUploadBytes, AudioField));
        var clip = VoiceRequestErrors.Guard(AudioField, () => ReferenceClips.FromBytes(bytes, AudioField, limits));
        return new OneOffVoice(clip, text);
    }

    /// <summary>The request with the clip's voice in it.</summary>
    public async Task<ValidatedSpeech> ApplyAsync(ValidatedSpeech speech, IVoiceEncoding encoding, CancellationToken cancellationToken)
    {
        var encoded = await encoding.EncodeAsync(Clip, ReferenceText, cancellationToken);
        var voice = EncodedVoices.ToReference(encoded, AudioField);
        return speech with { Request = speech.Request with { Voice = voice.ToDto() } };
    }
}
