using System.Net;
using System.Text.Json;

namespace Qwen3Tts.Tests.Gateway;

/// <summary>The read-only routes: models, voices, health, readiness, the OpenAPI document, the web page and the dashboard.</summary>
[Collection(GatewayCollection.Name)]
public sealed class GatewayCatalogTests(GatewayFixture fixture)
{
    [Fact]
    public async Task ModelsAreListedInOpenAisListShape()
    {
        using var document = await GetJsonAsync("/v1/models");
        var root = document.RootElement;

        Assert.Equal("list", root.GetProperty("object").GetString());
        var models = root.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(["qwen3-tts", "tts-1", "tts-1-hd", "gpt-4o-mini-tts"], models.Select(m => m.GetProperty("id").GetString()));
        Assert.All(models, m => Assert.Equal("model", m.GetProperty("object").GetString()));
        Assert.All(models, m => Assert.True(m.GetProperty("created").GetInt64() > 0));
        Assert.All(models, m => Assert.False(string.IsNullOrEmpty(m.GetProperty("owned_by").GetString())));
    }

    [Fact]
    public async Task OneModelIsDescribedAndAnUnknownOneIs404()
    {
        using var document = await GetJsonAsync("/v1/models/tts-1");
        using var missing = await fixture.Http.GetAsync("/v1/models/dall-e-3");

        Assert.Equal("tts-1", document.RootElement.GetProperty("id").GetString());
        await OpenAiErrorAssert.IsErrorAsync(missing, HttpStatusCode.NotFound, "invalid_request_error", "model", "model_not_found");
    }

    [Fact]
    public async Task VoicesListTheLibraryAndTheLanguages()
    {
        using var document = await GetJsonAsync("/v1/voices");
        var root = document.RootElement;

        var data = root.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(["default", GatewayFixture.VoiceName], data.Take(2).Select(v => v.GetProperty("id").GetString()));
        var alloy = data.Single(v => v.GetProperty("id").GetString() == "alloy");
        Assert.Equal("default", alloy.GetProperty("alias_of").GetString());
        Assert.Equal(data.Select(v => v.GetProperty("id").GetString()), root.GetProperty("voices").EnumerateArray().Select(v => v.GetString()));
        using var audioVoices = await GetJsonAsync("/v1/audio/voices");
        Assert.Equal(root.GetRawText(), audioVoices.RootElement.GetRawText());
        var languages = root.GetProperty("languages").EnumerateArray().Select(l => l.GetString()).ToList();
        Assert.Equal("auto", languages[0]);
        Assert.Contains("english", languages);
    }

    [Fact]
    public async Task HealthzIsOk()
    {
        using var document = await GetJsonAsync("/healthz");

        Assert.Equal("ok", document.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task ReadyzListsTheSiloOfEveryRole()
    {
        using var document = await GetJsonAsync("/readyz");
        var root = document.RootElement;

        Assert.Equal("ready", root.GetProperty("status").GetString());
        Assert.Empty(root.GetProperty("missing").EnumerateArray());
        foreach (var role in new[] { "talker", "predictor", "vocoder", "gateway" })
        {
            var silo = Assert.Single(root.GetProperty("roles").GetProperty(role).EnumerateArray());
            Assert.Equal("gateway-test", silo.GetProperty("name").GetString());
        }
    }

    [Fact]
    public async Task TheOpenApiDocumentDescribesTheSpeechEndpoint()
    {
        using var document = await GetJsonAsync("/openapi/v1.json");
        var paths = document.RootElement.GetProperty("paths");

        var speech = paths.GetProperty("/v1/audio/speech").GetProperty("post");
        var properties = speech.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        Assert.Equal("Generate audio from text", speech.GetProperty("summary").GetString());
        Assert.True(speech.GetProperty("responses").TryGetProperty("400", out _));
        Assert.True(paths.TryGetProperty("/v1/models", out _));
        Assert.True(paths.TryGetProperty("/v1/voices", out _));
        Assert.True(paths.TryGetProperty("/readyz", out _));
        Assert.NotEqual(JsonValueKind.Undefined, properties.ValueKind);
    }

    [Fact]
    public async Task TheWebPageIsServedAtTheRoot()
    {
        using var response = await fixture.Http.GetAsync("/");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("/v1/audio/speech", html);
        Assert.Contains("/v1/voices", html);
        Assert.Contains("new AudioContext", html); // plays the pcm stream as it arrives
        Assert.Contains("stream_format", html);
        Assert.DoesNotContain("https://", html); // self-contained: no CDN
    }

    [Fact]
    public async Task TheDashboardAnswers()
    {
        using var page = await fixture.Http.GetAsync("/dashboard");
        using var version = await fixture.Http.GetAsync("/dashboard/version");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, version.StatusCode);
    }

    private async Task<JsonDocument> GetJsonAsync(string path)
    {
        using var response = await fixture.Http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(body);
    }
}
