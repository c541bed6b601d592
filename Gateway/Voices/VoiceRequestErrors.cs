using Microsoft.AspNetCore.Http;
using Qwen3Tts.Grains;
using Qwen3Tts.Inference.Codec.Encoder;
using Qwen3Tts.Inference.Voices;

namespace Qwen3Tts.Gateway.Voices;

/// <summary>
/// What the voice routes answer for a voice or clip that cannot be used: a 400 naming the field (a 404 for a voice
/// that is not there), never a 500 for the caller's input; failures of the cluster map as a synthesis's do.
/// </summary>
public static class VoiceRequestErrors
{
    public static T Guard<T>(string param, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (ArgumentException e)
        {
            throw ForInput(e, param);
        }
    }

    public static void Guard(string param, Action action) => Guard(param, () =>
    {
        action();
        return 0;
    });

    /// <summary>The answer for <paramref name="exception"/> raised while encoding or saving a clip, or null to let it through (cancellation).</summary>
    public static OpenAiErrorException? Translate(Exception exception, ClusterReadiness readiness, string clipParam) => exception switch
    {
        VoiceFileException voice => ForInput(voice, VoiceUploadReader.NameField),
        ReferenceAudioException clip => ForInput(clip, clipParam),
        _ => SynthesisFailures.Translate(exception, readiness, "voice encoding"),
    };

    private static OpenAiErrorException ForInput(ArgumentException exception, string param)
    {
        var message = ErrorText.Scrub(SpeechRequestValidator.MessageOf(exception));
        return exception switch
        {
            VoiceFileException { Problem: VoiceProblem.UnknownVoice } => new OpenAiErrorException(StatusCodes.Status404NotFound, message, OpenAiErrorTypes.InvalidRequest, param, "voice_not_found"),
            VoiceFileException { Problem: VoiceProblem.NameTaken } => OpenAiErrorException.InvalidRequest(message, param, "voice_exists"),
            VoiceFileException { Problem: VoiceProblem.LibraryFull } => OpenAiErrorException.InvalidRequest(message, param, "voice_library_full"),
            VoiceFileException { Problem: VoiceProblem.InvalidName } => OpenAiErrorException.InvalidRequest(message, param, "invalid_voice_name"),
            ReferenceAudioException => OpenAiErrorException.InvalidRequest(message, param, "invalid_audio"),
            _ => OpenAiErrorException.InvalidRequest(message, param),
        };
    }
}
