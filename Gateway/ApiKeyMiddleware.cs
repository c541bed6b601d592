using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Qwen3Tts.Gateway;

/// <summary>
/// When API keys are configured, <c>/v1/*</c> and <c>/dashboard</c> need <c>Authorization: Bearer KEY</c>
/// (the dashboard has no authentication of its own). Health probes, the web page and the OpenAPI document
/// stay open: they reveal nothing and probes cannot carry secrets.
/// </summary>
public sealed class ApiKeyMiddleware(RequestDelegate next, GatewayOptions options)
{
    private readonly byte[][] _keys = [.. options.ResolveApiKeys().Select(Encoding.UTF8.GetBytes)];

    public bool Enabled => _keys.Length > 0;

    public Task InvokeAsync(HttpContext context)
    {
        if (!Enabled || !IsProtected(context.Request.Path))
        {
            return next(context);
        }
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            throw new OpenAiErrorException(StatusCodes.Status401Unauthorized,
                "You didn't provide an API key. Send it in an Authorization header using Bearer auth (Authorization: Bearer YOUR_KEY).",
                OpenAiErrorTypes.Authentication, code: "missing_api_key");
        }
        if (!IsKnown(header["Bearer ".Length..].Trim()))
        {
            throw new OpenAiErrorException(StatusCodes.Status401Unauthorized,
                "Incorrect API key provided.", OpenAiErrorTypes.Authentication, code: "invalid_api_key");
        }
        return next(context);
    }

    private static bool IsProtected(PathString path) =>
        path.StartsWithSegments("/v1", StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/dashboard", StringComparison.OrdinalIgnoreCase);

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
