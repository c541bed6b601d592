using Microsoft.AspNetCore.Cors.Infrastructure;

namespace Qwen3Tts.Gateway;

/// <summary>
/// The CORS policy for <c>gateway.corsOrigins</c>: only those origins (or any, with <c>*</c>) may call the API from a
/// page, with any request header (Authorization, Content-Type) and the methods the API has; the audio length header is
/// readable by the page; preflights are cached for 10 minutes. Credentials (cookies) are never allowed: the API takes
/// bearer keys, which a page sends explicitly. Without configured origins no CORS header is ever sent, so browsers
/// keep other sites' pages from reading anything.
/// </summary>
public static class CrossOrigin
{
    /// <summary>The same origins for <see cref="Security.CrossOriginGuard"/>: they may send state-changing requests.</summary>
    public sealed class AllowList(IReadOnlyList<string> origins) : Security.ICrossOriginPolicy
    {
        private readonly HashSet<string> _origins = new(origins, StringComparer.OrdinalIgnoreCase);

        public bool IsAllowed(string origin) => _origins.Contains("*") || _origins.Contains(origin);
    }

    public static void Configure(CorsPolicyBuilder policy, IReadOnlyList<string> origins)
    {
        if (origins.Contains("*"))
        {
            policy.AllowAnyOrigin();
        }
        else
        {
            policy.WithOrigins([.. origins]);
        }
        policy.AllowAnyHeader()
            .WithMethods("GET", "POST", "DELETE")
            .WithExposedHeaders(AudioResponseWriter.DurationHeader)
            .SetPreflightMaxAge(TimeSpan.FromMinutes(10));
    }
}
