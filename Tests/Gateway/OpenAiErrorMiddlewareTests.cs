using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Qwen3Tts.Gateway;

namespace Qwen3Tts.Tests.Gateway;

/// <summary>
/// The error middleware on a real Kestrel server with endpoints that fail on purpose: an unexpected exception is a
/// 500 with its message (no stack trace), and a failure after the audio started aborts the connection instead of
/// ending it cleanly (so a client cannot mistake a cut-off file for a complete one).
/// </summary>
public sealed class OpenAiErrorMiddlewareTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Critical);
        _app = builder.Build();
        _app.UseMiddleware<OpenAiErrorMiddleware>();
        _app.MapGet("/boom", (HttpContext _) => ThrowInvalid());
        _app.MapGet("/late", async (HttpContext context) =>
        {
            context.Response.ContentType = "audio/wav";
            await context.Response.Body.WriteAsync(new byte[4096]);
            await context.Response.Body.FlushAsync();
            ThrowInvalid();
        });
        await _app.StartAsync();
        _http = new HttpClient { BaseAddress = new Uri(_app.Urls.Single()) };
    }

    [Fact]
    public async Task AnUnexpectedFailureIs500WithoutItsInternals()
    {
        using var response = await _http.GetAsync("/boom");

        var message = await OpenAiErrorAssert.IsErrorAsync(response, HttpStatusCode.InternalServerError, "server_error");
        Assert.StartsWith("internal server error", message);
        // A foreign exception's message may carry silo addresses and signatures: the log keeps it, the client does not.
        Assert.DoesNotContain("S127.0.0.1", message);
        Assert.DoesNotContain("IVocoderGrain", message);
    }

    [Fact]
    public async Task AFailureAfterTheResponseStartedAbortsTheConnection()
    {
        // The reset may overtake the bytes already sent, so the failure can surface at the headers or in the body.
        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            using var response = await _http.GetAsync("/late", HttpCompletionOption.ResponseHeadersRead);
            await response.Content.ReadAsByteArrayAsync();
        });

        Assert.True(error is HttpRequestException or IOException, error.ToString());
    }

    private static IResult ThrowInvalid() => throw new InvalidOperationException("the vocoder fell over at S127.0.0.1:11112:118563399 in IVocoderGrain.AppendAsync(Int64[])");

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }
}
