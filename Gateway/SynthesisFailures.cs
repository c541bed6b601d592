using Microsoft.AspNetCore.Http;
using Orleans.Runtime;
using Qwen3Tts.Grains;

namespace Qwen3Tts.Gateway;

/// <summary>
/// Maps what a synthesis can throw to the HTTP answer a client should see: the status, the role at fault when one is
/// known, a Retry-After where retrying helps, and a message without internals (<see cref="ErrorText"/>).
/// </summary>
internal static class SynthesisFailures
{
    /// <summary>The error to answer with, or null to let the exception through (cancellation).</summary>
    public static OpenAiErrorException? Translate(Exception exception, ClusterReadiness readiness, string requestId) => exception switch
    {
        OperationCanceledException => null,
        OpenAiErrorException refused => refused,
        RoleFailureException { Failure: RoleFailure.Busy } busy => new OpenAiErrorException(StatusCodes.Status429TooManyRequests,
            busy.Message, OpenAiErrorTypes.RateLimit, code: "server_busy") { RetryAfter = busy.RetryAfter ?? TimeSpan.FromSeconds(5) },
        // A role's last silo left between the readiness check and placement, or mid-request.
        RoleFailureException { Failure: RoleFailure.Unavailable } when readiness.Check() is { Ready: false } report => ClusterReadiness.Unavailable(report.Missing),
        RoleFailureException { Failure: RoleFailure.Unavailable } gone => new OpenAiErrorException(StatusCodes.Status503ServiceUnavailable,
            gone.Message, OpenAiErrorTypes.ServiceUnavailable, code: "role_unavailable") { RetryAfter = gone.RetryAfter ?? TimeSpan.FromSeconds(2) },
        RoleFailureException failed => new OpenAiErrorException(StatusCodes.Status500InternalServerError,
            $"synthesis failed: {failed.Message}", OpenAiErrorTypes.Server, code: "synthesis_failed"),
        // The request itself was wrong in a way only the pipeline could tell (a voice's codes out of range, a text too long, ...).
        ArgumentException => OpenAiErrorException.InvalidRequest(ErrorText.Scrub(SpeechRequestValidator.MessageOf(exception)), null),
        OrleansException when readiness.Check() is { Ready: false } report => ClusterReadiness.Unavailable(report.Missing),
        Inference.Audio.Encoders.AudioEncoderException => new OpenAiErrorException(StatusCodes.Status500InternalServerError,
            $"encoding the audio failed: {exception.Message}", OpenAiErrorTypes.Server, code: "encoding_failed"),
        SiloUnavailableException or OrleansException or TimeoutException => new OpenAiErrorException(StatusCodes.Status503ServiceUnavailable,
            "a silo of the cluster stopped answering; retry", OpenAiErrorTypes.ServiceUnavailable, code: "silo_unavailable") { RetryAfter = TimeSpan.FromSeconds(2) },
        _ => new OpenAiErrorException(StatusCodes.Status500InternalServerError,
            $"synthesis failed: {ErrorText.Describe(exception)} (request {requestId})", OpenAiErrorTypes.Server, code: "synthesis_failed"),
    };
}
