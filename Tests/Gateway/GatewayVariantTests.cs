using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Qwen3Tts.Grains;
using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Synthetic;

namespace Qwen3Tts.Tests.Gateway;

/// <summary>One silo with every role and the gateway over a tiny official CustomVoice snapshot (1.7B-shaped: takes instructions).</summary>
public sealed class CustomVoiceGatewayFixture : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("qwen3-gateway-cv-").FullName;

    public GatewayServer Server { get; private set; } = null!;

    public HttpClient Http => Server.Http;

    public async Task InitializeAsync()
    {
        var models = Path.Combine(_root, "models");
        await OfficialSyntheticKit.WriteAsync(models, OfficialSyntheticPreset.Tiny, ModelVariant.CustomVoice, seed: 31);
        var settings = GatewayServer.Settings([GrainRoles.Talker, GrainRoles.Predictor, GrainRoles.Vocoder, GrainRoles.Gateway], models,
            gateway => gateway.VoicesDirectory = Directory.CreateDirectory(Path.Combine(_root, "voices")).FullName);
        Server = await GatewayServer.StartAsync(settings);
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }
}

/// <summary>The HTTP surface of the variants: speakers as voices, instructions where the model takes them, refusals naming the field.</summary>
public sealed class GatewayVariantTests(CustomVoiceGatewayFixture fixture) : IClassFixture<CustomVoiceGatewayFixture>
{
    [Fact]
    public async Task VoicesListTheSpeakersAndWhatTheModelTakes()
    {
        using var document = JsonDocument.Parse(await fixture.Http.GetStringAsync("/v1/voices"));
        var root = document.RootElement;

        Assert.Equal(["default", .. TtsModelIds.PublishedSpeakers.Keys.Order(StringComparer.Ordinal)],
            root.GetProperty("data").EnumerateArray().Where(v => !v.TryGetProperty("alias_of", out _)).Select(v => v.GetProperty("id").GetString()));
        var model = root.GetProperty("model");
        Assert.Equal(("custom-voice", "official", "accepted"),
            (model.GetProperty("variant").GetString(), model.GetProperty("layout").GetString(), model.GetProperty("instructions").GetString()));
    }

    [Fact]
    public async Task ASpeakerAndInstructionsShapeTheAudio()
    {
        async Task<byte[]> WavAsync(object body)
        {
            using var response = await SpeechRequests.PostAsync(fixture.Http, body);
            Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            return await response.Content.ReadAsByteArrayAsync();
        }

        var ryan = await WavAsync(new { model = "tts-1", input = "Hello there.", voice = "ryan", seed = 4 });
        var ryanAgain = await WavAsync(new { model = "tts-1", input = "Hello there.", voice = "Ryan", seed = 4 });
        var serena = await WavAsync(new { model = "tts-1", input = "Hello there.", voice = "serena", seed = 4 });
        var cheerful = await WavAsync(new { model = "gpt-4o-mini-tts", input = "Hello there.", voice = "ryan", seed = 4, instructions = "Speak cheerfully." });

        Assert.Equal(ryan, ryanAgain);
        Assert.NotEqual(ryan, serena);
        Assert.NotEqual(ryan, cheerful);
    }

    [Fact]
    public async Task AnOpenAiVoiceNameSpeaksWithTheDefaultSpeaker()
    {
        async Task<byte[]> WavAsync(string voice)
        {
            using var response = await SpeechRequests.PostAsync(fixture.Http, new { model = "tts-1", input = "Hello there.", voice, seed = 5 });
            Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            return await response.Content.ReadAsByteArrayAsync();
        }

        var alloy = await WavAsync("alloy");

        Assert.Equal(await WavAsync("default"), alloy);
        Assert.NotEqual(await WavAsync("serena"), alloy);
    }

    [Fact]
    public async Task AnUnknownSpeakerIsA400ListingTheSpeakers()
    {
        using var response = await SpeechRequests.PostAsync(fixture.Http, new { model = "tts-1", input = "Hi", voice = "zork" });

        var message = await OpenAiErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request_error", "voice");
        Assert.Contains("dylan, eric", message);
    }
}

/// <summary>The seed layout (0.6B Base) through the gateway: it takes no instructions and says so.</summary>
[Collection(GatewayCollection.Name)]
public sealed class GatewayBaseModelTests(GatewayFixture fixture)
{
    [Fact]
    public async Task InstructionsOnBaseAre400NamingTheModelsThatTakeThem()
    {
        using var response = await SpeechRequests.PostAsync(fixture.Http, new { model = "gpt-4o-mini-tts", input = "Hi", instructions = "whisper" });

        var message = await OpenAiErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request_error", "instructions");
        Assert.Contains("0.6B Base", message);
        Assert.Contains("1.7B CustomVoice and VoiceDesign", message);
    }

    [Fact]
    public async Task VoicesDescribeTheBaseModelAndItsLibrary()
    {
        var list = await fixture.Http.GetFromJsonAsync<JsonElement>("/v1/voices");

        Assert.Equal(["default", GatewayFixture.VoiceName], list.GetProperty("data").EnumerateArray().Where(v => !v.TryGetProperty("alias_of", out _)).Select(v => v.GetProperty("id").GetString()));
        Assert.Equal(("base", "refused", true), (list.GetProperty("model").GetProperty("variant").GetString(),
            list.GetProperty("model").GetProperty("instructions").GetString(), list.GetProperty("model").GetProperty("voice_cloning").GetBoolean()));
    }
}
