using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Qwen3Tts.Gateway;

/// <summary>
/// When API keys are configured, <c>/v1/*</c> needs <c>Authorization: Bearer KEY</c> (what OpenAI clients send) and
/// <c>/dashboard</c> (which has no authentication of its own) takes the same header or, because a browser cannot
/// send a bearer token, HTTP Basic authentication with any user name and a key as the password; an unauthenticated
/// dashboard request is challenged so the browser asks for it. Health probes, the web page and the OpenAPI document
/// stay open: they reveal nothing and probes cannot carry secrets.
/// </summary>
public sealed class ApiKeyMiddleware(RequestDelegate next, GatewayOptions options)
{
    public const string DashboardRealm = "qwen3-tts dashboard";

    private const string BearerPrefix = "Bearer ";
    private const string BasicPrefix = "Basic ";

    private readonly byte[][] _keys = [.. options.ResolveApiKeys().Select(Encoding.UTF8.GetBytes)];

    public bool Enabled => _keys.Length > 0;

    public Task InvokeAsync(HttpContext context)
    {
        if (!Enabled)
        {
            return next(context);
        }
        var path = context.Request.Path;
        if (path.StartsWithSegments("/v1", StringComparison.OrdinalIgnoreCase))
        {
            CheckApiRequest(context.Request);
            return next(context);
        }
        if (path.StartsWithSegments("/dashboard", StringComparison.OrdinalIgnoreCase))
        {
            return IsDashboardUser(context.Request) ? next(context) : ChallengeAsync(context.Response);
        }
        return next(context);
    }

    private void CheckApiRequest(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            throw new OpenAiErrorException(StatusCodes.Status401Unauthorized,
                "You didn't provide an API key. Send it in an Authorization header using Bearer auth (Authorization: Bearer YOUR_KEY).",
                OpenAiErrorTypes.Authentication, code: "missing_api_key");
        }
        if (!IsKnown(header[BearerPrefix.Length..].Trim()))
        {
            throw new OpenAiErrorException(StatusCodes.Status401Unauthorized,
                "Incorrect API key provided.", OpenAiErrorTypes.Authentication, code: "invalid_api_key");
        }
    }

    private bool IsDashboardUser(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return IsKnown(header[BearerPrefix.Length..].Trim());
        }
        return header.StartsWith(BasicPrefix, StringComparison.OrdinalIgnoreCase)
            && BasicPassword(header[BasicPrefix.Length..].Trim()) is { } password
            && IsKnown(password);
    }

    // RFC 7617: base64 of "user-id:password"; the user id cannot hold a colon, the password can.
    private static string? BasicPassword(string credentials)
    {
        var decoded = new byte[credentials.Length];
        if (!Convert.TryFromBase64String(credentials, decoded, out var length))
        {
            return null;
        }
        var pair = Encoding.UTF8.GetString(decoded, 0, length);
        var colon = pair.IndexOf(':');
        return colon < 0 ? null : pair[(colon + 1)..];
    }

    // The browser shows its sign-in prompt on this challenge; a wrong password gets it again.
    private static Task ChallengeAsync(HttpResponse response)
    {
        response.StatusCode = StatusCodes.Status401Unauthorized;
        response.Headers.WWWAuthenticate = $"Basic realm=\"{DashboardRealm}\"";
        response.ContentType = "text/plain; charset=utf-8";
        return response.WriteAsync("The dashboard needs an API key: sign in with any user name and the key as the password, or send Authorization: Bearer KEY.\n");
    }

    // Compared in constant time per key, so response timing does not leak how much of a key matched.
    private bool IsKnown(string presented)
    {
        var bytes = Encoding.UTF8.GetBytes(presented);
        var found = false;
        foreach (var key in _keys)
        {
            found |= key.Length == bytes.Length && CryptographicOperations.FixedTimeEquals(key, bytes);
        }
        return found;
    }
}
