using System.Globalization;
using System.Reflection;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Qwen3Tts.Gateway;

/// <summary>
/// <c>GET /</c>: a one-file page (Page/index.html, embedded) to type text, pick a voice and language, play or download
/// the audio, and clone a voice from a recorded or uploaded clip. The page is rendered once per server with the
/// clip limit of its options, so the recorder stops where the server would refuse the clip.
/// </summary>
public static class WebPageEndpoint
{
    private const string ResourceName = "Qwen3Tts.Gateway.Page.index.html";

    /// <summary>The line of the page that carries the clip limit; its content is replaced by gateway.cloning.maxSeconds.</summary>
    private const string CloneLimitTag = """<meta name="qwen3-tts-clone-max-seconds" content="30">""";

    private static readonly Lazy<string> Template = new(() =>
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"the web page resource '{ResourceName}' is missing from the gateway assembly");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var page = reader.ReadToEnd();
        return page.Contains(CloneLimitTag, StringComparison.Ordinal) ? page
            : throw new InvalidOperationException($"the web page resource '{ResourceName}' lacks its clip-limit tag {CloneLimitTag}");
    });

    /// <summary>The page as this server serves it.</summary>
    public static byte[] Render(GatewayOptions options)
    {
        var limit = options.Cloning.MaxSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        var tag = CloneLimitTag.Replace("content=\"30\"", $"content=\"{limit}\"", StringComparison.Ordinal);
        return Encoding.UTF8.GetBytes(Template.Value.Replace(CloneLimitTag, tag, StringComparison.Ordinal));
    }

    public static IEndpointRouteBuilder MapWebPage(this IEndpointRouteBuilder routes)
    {
        var page = new Lazy<byte[]>(() => Render(routes.ServiceProvider.GetRequiredService<GatewayOptions>()));
        routes.MapGet("/", () => Results.Bytes(page.Value, "text/html; charset=utf-8"))
            .WithName("webPage").WithTags("Web")
            .WithSummary("A small page to try the speech endpoint and clone voices in a browser")
            .Produces(StatusCodes.Status200OK, contentType: "text/html");
        return routes;
    }
}
