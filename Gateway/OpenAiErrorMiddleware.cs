using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Qwen3Tts.Gateway;

/// <summary>
/// Makes every failure answer in OpenAI's error shape: refused requests, oversized bodies, unknown routes and
/// methods (which ASP.NET answers with an empty body), and unexpected exceptions (never their internals: no stack
/// trace, silo address or path). A failure after the response has started cannot change the status any more: the connection is
/// aborted instead, so the client sees a broken transfer rather than a short file that looks complete.
/// </summary>
public sealed class OpenAiErrorMiddleware(RequestDelegate next, ILogger<OpenAiErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
            if (!context.Response.HasStarted && IsEmptyFailure(context.Response))
            {
                await WriteAsync(context, ForEmptyStatus(context));
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            logger.LogDebug("{Method} {Path}: the client went away", context.Request.Method, context.Request.Path);
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            var error = e switch
            {
                OpenAiErrorException refused => refused,
                BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => TooLarge("the request body is too large"),
                BadHttpRequestException bad => new OpenAiErrorException(bad.StatusCode, bad.Message, OpenAiErrorTypes.InvalidRequest),
                _ => null,
            };
            if (error is null)
            {
                // The exception's own message may carry internals (silo addresses, paths): the log keeps it, the client gets its kind.
                logger.LogError(e, "{Method} {Path} failed ({TraceId})", context.Request.Method, context.Request.Path, context.TraceIdentifier);
                error = new OpenAiErrorException(StatusCodes.Status500InternalServerError,
                    $"internal server error: {Grains.ErrorText.Describe(e)} (request {context.TraceIdentifier})", OpenAiErrorTypes.Server);
            }
            await WriteAsync(context, error);
        }
        catch (Exception e)
        {
            logger.LogError(e, "{Method} {Path} failed after the response started; aborting it", context.Request.Method, context.Request.Path);
            context.Abort();
        }
    }

    public static OpenAiErrorException TooLarge(string message) =>
        new(StatusCodes.Status413PayloadTooLarge, message, OpenAiErrorTypes.InvalidRequest, code: "request_too_large");

    public static async Task WriteAsync(HttpContext context, OpenAiErrorException error)
    {
        context.Response.Clear();
        context.Response.StatusCode = error.StatusCode;
        if (error.StatusCode == StatusCodes.Status401Unauthorized)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
        }
        if (error.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // The rest of the body is not read, so the server closes the connection after this answer; saying so keeps
            // the client from sending its next request on it (that request failed with "response ended prematurely").
            context.Response.Headers.Connection = "close";
        }
        if (error.RetryAfter is { } retryAfter)
        {
            context.Response.Headers.RetryAfter = ((long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        await context.Response.WriteAsJsonAsync(error.Body, context.RequestAborted);
    }

    private static bool IsEmptyFailure(HttpResponse response) =>
        response.StatusCode >= 400 && response.ContentType is null && response.ContentLength is null or 0;

    private static OpenAiErrorException ForEmptyStatus(HttpContext context)
    {
        var request = $"{context.Request.Method} {context.Request.Path}";
        return context.Response.StatusCode switch
        {
            StatusCodes.Status404NotFound => new(404, $"Invalid URL ({request})", OpenAiErrorTypes.InvalidRequest, code: "unknown_url"),
            StatusCodes.Status405MethodNotAllowed => new(405,
                $"Method not allowed ({request}); this URL accepts {context.Response.Headers.Allow}", OpenAiErrorTypes.InvalidRequest, code: "method_not_allowed"),
            var status => new(status, $"{request} failed with status {status}",
                status >= 500 ? OpenAiErrorTypes.Server : OpenAiErrorTypes.InvalidRequest),
        };
    }
}
