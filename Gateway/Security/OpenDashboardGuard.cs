using System.Net;
using Microsoft.AspNetCore.Http;

namespace Qwen3Tts.Gateway.Security;

/// <summary>
/// Without API keys the Orleans Dashboard (which streams the silos' logs live) answers loopback clients only, unless
/// <see cref="GatewayOptions.AllowOpenDashboard"/> says otherwise. With keys, <see cref="ApiKeyMiddleware"/> guards it.
/// </summary>
public sealed class OpenDashboardGuard(RequestDelegate next, GatewayOptions options)
{
    private readonly bool _keys = options.ResolveApiKeys().Count > 0;

    public Task InvokeAsync(HttpContext context)
    {
        if (_keys || options.AllowOpenDashboard
            || !context.Request.Path.StartsWithSegments("/dashboard", StringComparison.OrdinalIgnoreCase)
            || IsLoopback(context.Connection.RemoteIpAddress))
        {
            return next(context);
        }
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(
            "The dashboard shows the silos' logs, so without API keys it is served to this machine only. Configure gateway.apiKeys " +
            "(or QWEN3_TTS_API_KEYS) to sign in from other machines, or set gateway.allowOpenDashboard to true to open it to the network.\n");
    }

    private static bool IsLoopback(IPAddress? address) => address is not null && IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
}
