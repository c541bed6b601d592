using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Qwen3Tts.Gateway;

/// <summary><c>GET /</c>: a one-file page (Page/index.html, embedded) to type text, pick a voice and language, and play or download the audio.</summary>
public static class WebPageEndpoint
{
    private const string ResourceName = "Qwen3Tts.Gateway.Page.index.html";

    private static readonly Lazy<byte[]> Page = new(() =>
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"the web page resource '{ResourceName}' is missing from the gateway assembly");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    public static IEndpointRouteBuilder MapWebPage(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/", () => Results.Bytes(Page.Value, "text/html; charset=utf-8"))
            .WithName("webPage").WithTags("Web")
            .WithSummary("A small page to try the speech endpoint in a browser")
            .Produces(StatusCodes.Status200OK, contentType: "text/html");
        return routes;
    }
}
