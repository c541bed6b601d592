using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Qwen3Tts.Tests.Gateway;
using Xunit.Abstractions;

namespace Qwen3Tts.Tests.Reliability.Fuzz;

/// <summary>
/// POST /v1/audio/speech with mutated JSON bodies through the real gateway: every answer is audio (200) or a
/// refusal in OpenAI's error shape (4xx, or 429/503 when busy); never a 500, never a hang; the gateway answers
/// /healthz afterwards.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class HttpFuzzTests(GatewayFixture fixture, ITestOutputHelper output)
{
    private static readonly string Valid =
        $$"""{"model": "tts-1", "input": "Hi there.", "voice": "{{GatewayFixture.VoiceName}}", "response_format": "wav", "speed": 1.0, "seed": 3, "language": "english"}""";

    private sealed class UnexpectedAnswer(string message) : Exception(message);

    [Fact]
    public async Task MutatedSpeechRequestsGetAudioOrAClearRefusal()
    {
        var run = new FuzzRun("HTTP JSON (speech request)", output);
        var random = new Random(9);
        var valid = Encoding.UTF8.GetBytes(Valid);
        var previous = "none";
        for (var i = 0; i < FuzzRun.Iterations(120, most: 500); i++)
        {
            var (what, body) = Mutations.Next(valid, random, text: true);
            await run.TryAsync($"#{i} ({what}; after {previous})", () => PostAsync(body), e => false);
            previous = $"#{i} ({what}, {body.Length} bytes)";
        }
        using var health = await fixture.Http.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        run.AssertClean();
    }

    private async Task PostAsync(byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await fixture.Http.PostAsync("/v1/audio/speech", content);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var status = (int)response.StatusCode;
        if (status == 200)
        {
            if (bytes.Length == 0 || response.Content.Headers.ContentType?.MediaType?.StartsWith("audio/", StringComparison.Ordinal) != true)
            {
                throw new UnexpectedAnswer($"200 with {bytes.Length} bytes of {response.Content.Headers.ContentType}");
            }
            return;
        }
        if (status is < 400 or (>= 500 and not 503))
        {
            throw new UnexpectedAnswer($"status {status}: {Encoding.UTF8.GetString(bytes)}");
        }
        try
        {
            using var error = JsonDocument.Parse(bytes);
            if (string.IsNullOrWhiteSpace(error.RootElement.GetProperty("error").GetProperty("message").GetString()))
            {
                throw new UnexpectedAnswer($"status {status} with an empty error message");
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new UnexpectedAnswer($"status {status} without OpenAI's error shape: {Encoding.UTF8.GetString(bytes)}");
        }
    }
}
