using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Qwen3Tts.Gateway;

/// <summary>
/// Reads the JSON body of a speech request under the size limit. Binding is done here rather than by the
/// framework so that a body that is too large, empty or not JSON gets OpenAI's error shape (413 / 400),
/// not ASP.NET's ProblemDetails.
/// </summary>
public static class SpeechRequestReader
{
    // Web defaults, like the OpenAPI document describes: numbers may also come as strings, which lets a
    // JavaScript client send a 64-bit seed without losing precision.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <param name="maxBytes">The limit of the body, a ref_audio clip aside.</param>
    /// <param name="maxClipBytes">The limit of a ref_audio clip (decoded), which may come on top of <paramref name="maxBytes"/> in base64; 0 for none.</param>
    public static async Task<SpeechRequest> ReadAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken, long maxClipBytes = 0)
    {
        RequireJson(request);
        var withClip = maxBytes + (maxClipBytes > 0 ? Inference.Voices.Cloning.ReferenceAudioBytes.MaxEncodedLength(maxClipBytes) : 0);
        if (request.ContentLength > GatewayOptions.ServerBodyLimit(withClip))
        {
            throw OpenAiErrorMiddleware.TooLarge($"the request body is {request.ContentLength} bytes; the limit is {maxBytes}{ClipNote(maxClipBytes)}");
        }
        var body = await ReadLimitedAsync(request.Body, withClip, cancellationToken);
        if (body.Length == 0)
        {
            throw OpenAiErrorException.InvalidRequest("the request body is empty; send a JSON object such as {\"model\":\"qwen3-tts\",\"input\":\"Hello\",\"voice\":\"default\"}", null);
        }
        try
        {
            var parsed = JsonSerializer.Deserialize<SpeechRequest>(body, Json)
                ?? throw OpenAiErrorException.InvalidRequest("the request body must be a JSON object, not null", null);
            // Only a clip may take the body past maxBytes.
            return body.Length - (parsed.RefAudio?.Length ?? 0) <= maxBytes
                ? parsed
                : throw OpenAiErrorMiddleware.TooLarge($"the request body is {body.Length} bytes; the limit is {maxBytes}{ClipNote(maxClipBytes)}");
        }
        catch (JsonException) when (body.Length > maxBytes)
        {
            throw OpenAiErrorMiddleware.TooLarge($"the request body is {body.Length} bytes; the limit is {maxBytes}{ClipNote(maxClipBytes)}");
        }
        catch (JsonException e)
        {
            var param = e.Path is ['$', '.', .. var rest] ? rest : null;
            var where = param is null ? "" : $" in '{param}'";
            throw OpenAiErrorException.InvalidRequest(
                $"the request body is not a valid speech request: bad JSON or a wrong value type{where} (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})", param);
        }
    }

    private static string ClipNote(long maxClipBytes) =>
        maxClipBytes > 0 ? $" (plus a ref_audio clip of at most {maxClipBytes} bytes)" : "";

    /// <summary>
    /// The body must be declared as JSON. Besides saying what is expected, this closes a hole: a web page on any
    /// origin may send a "simple" cross-origin POST (text/plain, form data) without asking first, so a server
    /// without API keys that read JSON from any body would let every page a user visits start syntheses. A JSON
    /// body makes the browser ask first (a CORS preflight), which fails unless the origin is allowed.
    /// </summary>
    public static void RequireJson(HttpRequest request)
    {
        if (!request.HasJsonContentType())
        {
            var declared = string.IsNullOrEmpty(request.ContentType) ? "no Content-Type" : $"Content-Type '{request.ContentType}'";
            throw new OpenAiErrorException(StatusCodes.Status415UnsupportedMediaType,
                $"the request body must be JSON sent with Content-Type: application/json; this request has {declared}",
                OpenAiErrorTypes.InvalidRequest, code: "unsupported_media_type");
        }
    }

    // Counts bytes as they arrive, so a chunked body without Content-Length cannot exceed the limit either.
    // A body somewhat over the limit is still read to its end (and dropped) before the 413 goes out: a
    // connection closed with unread bytes is reset, and the reset can destroy the 413 before the client reads it.
    private static async Task<byte[]> ReadLimitedAsync(Stream body, long maxBytes, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            long total = 0;
            int read;
            while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                total += read;
                if (total <= maxBytes)
                {
                    buffer.Write(chunk, 0, read);
                }
            }
            return total <= maxBytes
                ? buffer.ToArray()
                : throw OpenAiErrorMiddleware.TooLarge($"the request body is {total} bytes; the limit is {maxBytes}");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }
}
