using System.Net;

namespace Qwen3Tts.Tests.Gateway;

/// <summary>CORS: off unless origins are configured; then preflights are answered (before the key check) for those origins only.</summary>
public sealed class GatewayCorsTests(GatewayOnlyFixture keyed) : IClassFixture<GatewayOnlyFixture>
{
    private static HttpRequestMessage Preflight(string origin) => new(HttpMethod.Options, "/v1/audio/speech")
    {
        Headers =
        {
            { "Origin", origin },
            { "Access-Control-Request-Method", "POST" },
            { "Access-Control-Request-Headers", "authorization, content-type" },
        },
    };

    [Fact]
    public async Task AConfiguredOriginsPreflightIsAnsweredWithoutAKey()
    {
        using var response = await keyed.Http.SendAsync(Preflight(GatewayOnlyFixture.AllowedOrigin));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(GatewayOnlyFixture.AllowedOrigin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("POST", response.Headers.GetValues("Access-Control-Allow-Methods").Single());
        Assert.Contains("authorization", response.Headers.GetValues("Access-Control-Allow-Headers").Single(), StringComparison.OrdinalIgnoreCase);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Credentials"));
    }

    [Fact]
    public async Task OtherOriginsGetNoCorsHeadersAndRequestsStillNeedTheKey()
    {
        using var preflight = await keyed.Http.SendAsync(Preflight("http://evil.example.test"));
        using var get = await keyed.Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/v1/models") { Headers = { { "Origin", "http://evil.example.test" } } });
        using var allowed = await keyed.Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/v1/models")
        {
            Headers = { { "Origin", GatewayOnlyFixture.AllowedOrigin }, { "Authorization", $"Bearer {GatewayOnlyFixture.ApiKey}" } },
        });

        Assert.False(preflight.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.False(get.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.Equal(HttpStatusCode.Unauthorized, get.StatusCode);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(GatewayOnlyFixture.AllowedOrigin, allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("x-audio-duration", allowed.Headers.GetValues("Access-Control-Expose-Headers").Single());
    }

    [Fact]
    public void AnOriginThatIsNotAnOriginFailsAtStartup()
    {
        var error = Assert.Throws<ArgumentException>(() => new Qwen3Tts.Gateway.GatewayOptions { CorsOrigins = ["https://app.example.com/path"] }.Validate());

        Assert.Contains("gateway.corsOrigins 'https://app.example.com/path' is not an origin", error.Message);
    }
}

/// <summary>Without configured origins nothing is CORS-enabled: a preflight is no route (405) and no response carries CORS headers.</summary>
[Collection(GatewayCollection.Name)]
public sealed class GatewayCorsOffTests(GatewayFixture fixture)
{
    [Fact]
    public async Task ByDefaultThereIsNoCrossOriginAccess()
    {
        using var preflight = await fixture.Http.SendAsync(new HttpRequestMessage(HttpMethod.Options, "/v1/audio/speech")
        {
            Headers = { { "Origin", "http://any.example.test" }, { "Access-Control-Request-Method", "POST" } },
        });
        using var get = await fixture.Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/v1/models") { Headers = { { "Origin", "http://any.example.test" } } });

        Assert.Equal(HttpStatusCode.MethodNotAllowed, preflight.StatusCode);
        Assert.False(preflight.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.False(get.Headers.Contains("Access-Control-Allow-Origin"));
    }
}
