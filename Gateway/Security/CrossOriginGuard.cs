using Microsoft.AspNetCore.Http;

namespace Qwen3Tts.Gateway.Security;

/// <summary>
/// Refuses state-changing requests a browser sends on behalf of a page from another origin, unless
/// <see cref="ICrossOriginPolicy"/> allows that origin. Browsers always send <c>Origin</c> on such requests, and
/// "simple" ones (a text/plain or form POST) are sent without a CORS preflight: without this guard, and without API
/// keys, any page a user visits could make a LAN server synthesize. Requests without <c>Origin</c> (curl, SDKs) and
/// the page served by the gateway itself pass; preflights (OPTIONS) are left to the CORS configuration.
/// </summary>
public sealed class CrossOriginGuard(RequestDelegate next, ICrossOriginPolicy policy)
{
    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method))
        {
            return next(context);
        }
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0 || IsSameOrigin(request, origin) || policy.IsAllowed(origin))
        {
            return next(context);
        }
        throw new OpenAiErrorException(StatusCodes.Status403Forbidden,
            $"requests from web pages of other origins ({origin}) are not accepted; call the API from this server's own page, a program, or an origin the server allows",
            OpenAiErrorTypes.InvalidRequest, code: "cross_origin_refused");
    }

    // "Sec-Fetch-Site: same-origin" covers a page behind a reverse proxy that rewrites Host.
    private static bool IsSameOrigin(HttpRequest request, string origin) =>
        string.Equals(request.Headers["Sec-Fetch-Site"].ToString(), "same-origin", StringComparison.OrdinalIgnoreCase)
        || string.Equals(origin, $"{request.Scheme}://{request.Host.Value}", StringComparison.OrdinalIgnoreCase);
}
