using System.ClientModel;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using OpenAI;
using OpenAI.Audio;

namespace Qwen3Tts.Tests.Gateway;

/// <summary>
/// A gateway-only silo (no worker role, no models) with API keys configured: readiness reports the missing roles,
/// speech is refused with 503, and keys guard /v1 (Bearer only) and /dashboard (Bearer or, for browsers, Basic with the key as
/// the password) but not the probes, the page or the OpenAPI document.
/// </summary>
public sealed class GatewayKeysAndReadinessTests(GatewayOnlyFixture fixture) : IClassFixture<GatewayOnlyFixture>
{
    [Fact]
    public async Task ReadyzIs503ListingEveryMissingRole()
    {
        using var response = await fixture.Http.GetAsync("/readyz");
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = document.RootElement;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("not_ready", root.GetProperty("status").GetString());
        Assert.Equal(["talker", "predictor", "vocoder"], root.GetProperty("missing").EnumerateArray().Select(r => r.GetString()));
        Assert.Single(root.GetProperty("roles").GetProperty("gateway").EnumerateArray());
        Assert.Empty(root.GetProperty("roles").GetProperty("talker").EnumerateArray());
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/")]
    [InlineData("/openapi/v1.json")]
    public async Task ProbesThePageAndTheOpenApiDocumentNeedNoKey(string path)
    {
        using var response = await fixture.Http.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("/v1/models")]
    [InlineData("/v1/voices")]
    [InlineData("/v1/nothing-here")]
    public async Task TheApiNeedsABearerKeyAndRefusesBasic(string path)
    {
        using var missing = await fixture.Http.GetAsync(path);
        using var wrong = await SendAsync(HttpMethod.Get, path, "Bearer not-a-key");
        using var basic = await SendAsync(HttpMethod.Get, path, Basic("user", GatewayOnlyFixture.ApiKey));

        await OpenAiErrorAssert.IsErrorAsync(missing, HttpStatusCode.Unauthorized, "authentication_error", null, "missing_api_key");
        Assert.Equal("Bearer", missing.Headers.WwwAuthenticate.Single().Scheme);
        await OpenAiErrorAssert.IsErrorAsync(wrong, HttpStatusCode.Unauthorized, "authentication_error", null, "invalid_api_key");
        await OpenAiErrorAssert.IsErrorAsync(basic, HttpStatusCode.Unauthorized, "authentication_error", null, "missing_api_key");
    }

    [Fact]
    public async Task SpeechRefusesBasicAuthenticationWithARightKey()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/audio/speech") { Content = SpeechRequests.Json(new { model = "tts-1", input = "Hello." }) };
        request.Headers.TryAddWithoutValidation("Authorization", Basic("user", GatewayOnlyFixture.ApiKey));
        using var response = await fixture.Http.SendAsync(request);

        await OpenAiErrorAssert.IsErrorAsync(response, HttpStatusCode.Unauthorized, "authentication_error", null, "missing_api_key");
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Theory]
    [InlineData("/dashboard", null)]
    [InlineData("/dashboard/version", null)]
    [InlineData("/dashboard", "Bearer not-a-key")]
    [InlineData("/dashboard/version", "Basic bm90LWJhc2U2NA")]
    [InlineData("/dashboard/version", "Basic dXNlcg==")] // "user": no colon, so no password
    [InlineData("/dashboard/DashboardCounters", "Digest username=\"user\"")]
    public async Task TheDashboardChallengesABrowserForBasicAuthentication(string path, string? authorization)
    {
        using var response = authorization is null ? await fixture.Http.GetAsync(path) : await SendAsync(HttpMethod.Get, path, authorization);

        AssertDashboardChallenge(response);
    }

    [Theory]
    [InlineData("user", "not-a-key")]
    [InlineData("user", "")]
    [InlineData(GatewayOnlyFixture.ApiKey, "")]
    [InlineData("user", GatewayOnlyFixture.ApiKey + " ")]
    public async Task TheDashboardChallengesAWrongBasicPasswordAgain(string user, string password)
    {
        using var response = await SendAsync(HttpMethod.Get, "/dashboard/version", Basic(user, password));

        AssertDashboardChallenge(response);
    }

    [Theory]
    [InlineData("admin", GatewayOnlyFixture.ApiKey)]
    [InlineData("", GatewayOnlyFixture.OtherApiKey)]
    [InlineData("élodie", GatewayOnlyFixture.ApiKey)]
    public async Task TheDashboardOpensToBasicAuthenticationWithAnyUserAndAKeyAsThePassword(string user, string key)
    {
        // "/dashboard" redirects here; HttpClient, unlike a browser, does not resend credentials on a redirect.
        using var page = await SendAsync(HttpMethod.Get, "/dashboard/", Basic(user, key));
        using var version = await SendAsync(HttpMethod.Get, "/dashboard/version", Basic(user, key));

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, version.StatusCode);
        Assert.Contains("\"version\"", await version.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(GatewayOnlyFixture.ApiKey)]
    [InlineData(GatewayOnlyFixture.OtherApiKey)]
    public async Task EveryConfiguredKeyOpensTheApiAndTheDashboard(string key)
    {
        using var models = await SendAsync(HttpMethod.Get, "/v1/models", "Bearer " + key);
        using var dashboard = await SendAsync(HttpMethod.Get, "/dashboard/version", "Bearer " + key);

        Assert.Equal(HttpStatusCode.OK, models.StatusCode);
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
    }

    [Fact]
    public async Task SpeechWithoutWorkerSilosIs503NamingTheRoles()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/audio/speech") { Content = SpeechRequests.Json(new { model = "tts-1", input = "Hello." }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", GatewayOnlyFixture.ApiKey);
        using var response = await fixture.Http.SendAsync(request);

        var message = await OpenAiErrorAssert.IsErrorAsync(response, HttpStatusCode.ServiceUnavailable, "service_unavailable_error", null, "role_unavailable");
        Assert.Contains("talker, predictor, vocoder", message);
    }

    [Fact]
    public async Task TheOpenAiLibrarySeesAWrongKeyAs401()
    {
        var audio = new OpenAIClient(new ApiKeyCredential("wrong"), new OpenAIClientOptions { Endpoint = new Uri(fixture.Server.BaseAddress, "/v1") }).GetAudioClient("tts-1");

        var error = await Assert.ThrowsAsync<ClientResultException>(() => audio.GenerateSpeechAsync("Hello.", new GeneratedSpeechVoice("default")));

        Assert.Equal(401, error.Status);
    }

    private static string Basic(string user, string password) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password));

    private static void AssertDashboardChallenge(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = response.Headers.WwwAuthenticate.Single();
        Assert.Equal("Basic", challenge.Scheme);
        Assert.Equal("realm=\"qwen3-tts dashboard\"", challenge.Parameter);
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string authorization)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        return fixture.Http.SendAsync(request);
    }
}
