using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;

namespace Qwen3Tts.Gateway;

/// <summary>
/// OpenAI's error body, <c>{"error":{"message","type","param","code"}}</c>: the official client libraries read
/// <c>message</c> from it, so every failure the gateway answers (4xx and 5xx alike) uses this shape.
/// </summary>
public sealed record OpenAiError(
    [property: JsonPropertyName("error")] OpenAiErrorDetail Error);

public sealed record OpenAiErrorDetail(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("param")] string? Param,
    [property: JsonPropertyName("code")] string? Code);

/// <summary>The <c>type</c> values the gateway uses (OpenAI's names where OpenAI has one).</summary>
public static class OpenAiErrorTypes
{
    public const string InvalidRequest = "invalid_request_error";
    public const string Authentication = "authentication_error";
    public const string NotFound = "not_found_error";
    public const string Server = "server_error";
    public const string ServiceUnavailable = "service_unavailable_error";
    public const string RateLimit = "rate_limit_error";
}

/// <summary>
/// A request the gateway refuses, with the HTTP status and the OpenAI error fields. Thrown from validation
/// and endpoint code; the error middleware turns it into the JSON answer.
/// </summary>
public sealed class OpenAiErrorException(int statusCode, string message, string type, string? param = null, string? code = null)
    : Exception(message)
{
    public int StatusCode { get; } = statusCode;

    public OpenAiError Body { get; } = new(new OpenAiErrorDetail(message, type, param, code));

    /// <summary>Sent as <c>Retry-After</c> (whole seconds, rounded up) with 429 and 503 answers.</summary>
    public TimeSpan? RetryAfter { get; init; }

    public static OpenAiErrorException InvalidRequest(string message, string? param, string? code = null) =>
        new(StatusCodes.Status400BadRequest, message, OpenAiErrorTypes.InvalidRequest, param, code);
}
