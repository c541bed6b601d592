using Microsoft.AspNetCore.Http;
using Qwen3Tts.Inference.Pipeline;

namespace Qwen3Tts.Gateway;

/// <summary>Maps what a synthesis can throw to the HTTP status a client should see.</summary>
internal static class SynthesisFailures
{
    /// <summary>The error to answer with, or null to let the exception through (cancellation).</summary>
    public static OpenAiErrorException? Translate(Exception exception, ClusterReadiness readiness) => exception switch
    {
        OperationCanceledException => null,
        // The request itself was wrong in a way only the pipeline could tell (a voice's codes out of range, ...).
        ArgumentException => OpenAiErrorException.InvalidRequest(SpeechRequestValidator.MessageOf(exception), null),
        // A role's last silo left between the readiness check and placement.
        OrleansException when readiness.Check() is { Ready: false } report => ClusterReadiness.Unavailable(report.Missing),
        TimeoutException => new OpenAiErrorException(StatusCodes.Status503ServiceUnavailable,
            $"the server is busy: {exception.Message}", OpenAiErrorTypes.ServiceUnavailable, code: "timeout"),
        SynthesisException => new OpenAiErrorException(StatusCodes.Status500InternalServerError,
            $"synthesis failed: {exception.Message}", OpenAiErrorTypes.Server, code: "synthesis_failed"),
        _ => new OpenAiErrorException(StatusCodes.Status500InternalServerError,
            $"synthesis failed: {exception.Message}", OpenAiErrorTypes.Server),
    };
}
