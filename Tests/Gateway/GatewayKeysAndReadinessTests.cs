using System.ClientModel;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using OpenAI;
using OpenAI.Audio;

namespace Qwen3Tts.Tests.Gateway;

/// <summary>
/// A gateway-only silo (no worker role, no models) with API keys configured: readiness reports the missing roles,
/// speech is refused with 503, and keys guard /v1 and /dashboard but not the probes, the page or the OpenAPI document.
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
    [InlineData("/dashboard")]
    [InlineData("/dashboard/version")]
    public async Task ProtectedRoutesNeedABearerKey(string path)
    {
        using var missing = await fixture.Http.GetAsync(path);
        using var wrong = await SendAsync(HttpMethod.Get, path, "Bearer not-a-key");
        using var basic = await SendAsync(HttpMethod.Get, path, "Basic " + GatewayOnlyFixture.ApiKey);

        await OpenAiErrorAssert.IsErrorAsync(missing, HttpStatusCode.Unauthorized, "authentication_error", null, "missing_api_key");
        Assert.Equal("Bearer", missing.Headers.WwwAuthenticate.Single().Scheme);
        await OpenAiErrorAssert.IsErrorAsync(wrong, HttpStatusCode.Unauthorized, "authentication_error", null, "invalid_api_key");
        await OpenAiErrorAssert.IsErrorAsync(basic, HttpStatusCode.Unauthorized, "authentication_error", null, "missing_api_key");
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

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string authorization)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        return fixture.Http.SendAsync(request);
    }
}
