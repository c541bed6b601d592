using System.Net;
using Microsoft.AspNetCore.Http;
using Qwen3Tts.Gateway;
using Qwen3Tts.Gateway.Security;

namespace Qwen3Tts.Tests.Gateway;

/// <summary>What a key-less server shows to other machines: the warning at start, and the dashboard kept local.</summary>
public sealed class GatewaySecurityTests
{
    [Theory]
    [InlineData("http://0.0.0.0:8080")]
    [InlineData("http://*:8080")]
    [InlineData("http://[::]:8080")]
    [InlineData("http://192.168.1.20:8080")]
    [InlineData("http://127.0.0.1:8080;http://0.0.0.0:9090")]
    public void ListeningBeyondLoopbackWithoutKeysIsWarnedAbout(string urls)
    {
        var message = NetworkExposureWarning.Message(new GatewayOptions { Urls = urls, ApiKeysVariable = "QWEN3_TTS_TEST_NO_SUCH_VARIABLE" });

        Assert.NotNull(message);
        Assert.Contains("without API keys", message);
        Assert.Contains("gateway.apiKeys", message);
        Assert.DoesNotContain("127.0.0.1", message);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080", null)]
    [InlineData("http://localhost:8080;http://[::1]:8081", null)]
    [InlineData("http://0.0.0.0:8080", "sk-1")]
    public void LoopbackOnlyOrKeyedServersAreNotWarnedAbout(string urls, string? key)
    {
        var options = new GatewayOptions { Urls = urls, ApiKeysVariable = "QWEN3_TTS_TEST_NO_SUCH_VARIABLE", ApiKeys = key is null ? [] : [key] };

        Assert.Null(NetworkExposureWarning.Message(options));
    }

    [Theory]
    [InlineData("10.0.0.7", false, null, StatusCodes.Status403Forbidden)]
    [InlineData("::ffff:192.168.1.9", false, null, StatusCodes.Status403Forbidden)]
    [InlineData("127.0.0.1", false, null, StatusCodes.Status200OK)]
    [InlineData("::1", false, null, StatusCodes.Status200OK)]
    [InlineData("::ffff:127.0.0.1", false, null, StatusCodes.Status200OK)]
    [InlineData("10.0.0.7", true, null, StatusCodes.Status200OK)]
    [InlineData("10.0.0.7", false, "sk-1", StatusCodes.Status200OK)] // with keys the key middleware decides
    public async Task WithoutKeysTheDashboardAnswersThisMachineOnly(string remote, bool allowOpen, string? key, int expected)
    {
        var options = new GatewayOptions { AllowOpenDashboard = allowOpen, ApiKeysVariable = "QWEN3_TTS_TEST_NO_SUCH_VARIABLE", ApiKeys = key is null ? [] : [key] };
        var reached = false;
        var guard = new OpenDashboardGuard(_ => { reached = true; return Task.CompletedTask; }, options);
        var context = new DefaultHttpContext();
        context.Request.Path = "/dashboard/DashboardCounters";
        context.Connection.RemoteIpAddress = IPAddress.Parse(remote);
        context.Response.Body = new MemoryStream();

        await guard.InvokeAsync(context);

        Assert.Equal(expected == StatusCodes.Status200OK, reached);
        Assert.Equal(expected, context.Response.StatusCode);
    }

    [Fact]
    public async Task OtherPathsAreNotTheDashboardGuardsBusiness()
    {
        var reached = false;
        var guard = new OpenDashboardGuard(_ => { reached = true; return Task.CompletedTask; }, new GatewayOptions { ApiKeysVariable = "QWEN3_TTS_TEST_NO_SUCH_VARIABLE" });
        var context = new DefaultHttpContext();
        context.Request.Path = "/v1/voices";
        context.Connection.RemoteIpAddress = IPAddress.Parse("10.0.0.7");

        await guard.InvokeAsync(context);

        Assert.True(reached);
    }

    [Theory]
    [InlineData("POST", "https://evil.example", null, false)]
    [InlineData("POST", "null", null, false)] // sandboxed frames and file:// pages send "null"
    [InlineData("DELETE", "https://evil.example", null, false)]
    [InlineData("POST", "https://evil.example", "same-origin", true)]
    [InlineData("POST", "http://gateway.local:8080", null, true)]
    [InlineData("GET", "https://evil.example", null, true)]
    [InlineData("OPTIONS", "https://evil.example", null, true)] // preflights belong to the CORS configuration
    [InlineData("POST", "", null, true)] // curl, SDKs: no Origin
    public async Task ACrossOriginStateChangingRequestIsRefused(string method, string origin, string? fetchSite, bool passes)
    {
        var reached = false;
        var guard = new CrossOriginGuard(_ => { reached = true; return Task.CompletedTask; }, new SameOriginOnlyPolicy());
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("gateway.local:8080");
        if (origin.Length > 0)
        {
            context.Request.Headers.Origin = origin;
        }
        if (fetchSite is not null)
        {
            context.Request.Headers["Sec-Fetch-Site"] = fetchSite;
        }

        if (passes)
        {
            await guard.InvokeAsync(context);
            Assert.True(reached);
        }
        else
        {
            var refused = await Assert.ThrowsAsync<OpenAiErrorException>(() => guard.InvokeAsync(context));
            Assert.Equal(StatusCodes.Status403Forbidden, refused.StatusCode);
            Assert.False(reached);
        }
    }

    [Fact]
    public async Task AConfiguredPolicyLetsItsOriginsThrough()
    {
        var reached = false;
        var guard = new CrossOriginGuard(_ => { reached = true; return Task.CompletedTask; }, new AllowOne("https://app.example"));
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Host = new HostString("gateway.local:8080");
        context.Request.Headers.Origin = "https://app.example";

        await guard.InvokeAsync(context);

        Assert.True(reached);
    }

    private sealed class AllowOne(string origin) : ICrossOriginPolicy
    {
        public bool IsAllowed(string candidate) => candidate == origin;
    }
}
