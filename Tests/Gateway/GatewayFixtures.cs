using Microsoft.Extensions.DependencyInjection;
using Qwen3Tts.Grains;
using Qwen3Tts.Inference.Synthetic;
using Qwen3Tts.Inference.Talker;

namespace Qwen3Tts.Tests.Gateway;

/// <summary>
/// One silo with every role and the gateway over the tiny synthetic models, no API keys, small limits so the
/// limit errors are cheap to provoke, and a voice library holding one voice ("narrator").
/// </summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    public const int MaxInputCharacters = 600;
    public const long MaxRequestBytes = 8 * 1024;
    public const string VoiceName = "narrator";

    private readonly string _root = Directory.CreateTempSubdirectory("qwen3-gateway-").FullName;

    public GatewayServer Server { get; private set; } = null!;

    public HttpClient Http => Server.Http;

    public string ModelsDirectory => Path.Combine(_root, "models");

    public string VoicesDirectory => Path.Combine(_root, "voices");

    public async Task InitializeAsync()
    {
        await SyntheticModelKit.WriteAsync(ModelsDirectory, SyntheticPreset.Tiny, seed: 23);
        var voices = Directory.CreateDirectory(VoicesDirectory).FullName;
        var frames = string.Join(",", Enumerable.Range(0, 3).Select(f => "[" + string.Join(",", Enumerable.Range(0, 16).Select(k => (f * 16 + k) * 5)) + "]"));
        await File.WriteAllTextAsync(Path.Combine(voices, VoiceName + ".json"), $$"""{"ref_text": "Reference words", "codec_tokens": [{{frames}}]}""");

        var settings = GatewayServer.Settings([GrainRoles.Talker, GrainRoles.Predictor, GrainRoles.Vocoder, GrainRoles.Gateway], ModelsDirectory, gateway =>
        {
            gateway.VoicesDirectory = voices;
            gateway.MaxInputCharacters = MaxInputCharacters;
            gateway.MaxRequestBytes = MaxRequestBytes;
            // The tests compare samples, so requests without response_format get WAV (the real default is tested apart).
            gateway.DefaultResponseFormat = "wav";
        });
        // Short chunks, so a few hundred characters already take several chunks (the long-text tests).
        settings.LongText.MaxChunkCharacters = MaxChunkCharacters;
        Server = await GatewayServer.StartAsync(settings);
    }

    public const int MaxChunkCharacters = 150;

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }
}

/// <summary>A silo with only the gateway role (no models at all) and API keys: readiness and authentication without synthesis.</summary>
public sealed class GatewayOnlyFixture : IAsyncLifetime
{
    public const string ApiKey = "test-key-1";
    public const string OtherApiKey = "test-key-2";

    /// <summary>The one web origin whose pages may call this gateway (CORS).</summary>
    public const string AllowedOrigin = "http://app.example.test:3000";

    public GatewayServer Server { get; private set; } = null!;

    public HttpClient Http => Server.Http;

    public async Task InitializeAsync()
    {
        var settings = GatewayServer.Settings([GrainRoles.Gateway], modelsDirectory: null, gateway =>
        {
            gateway.ApiKeys = [ApiKey, OtherApiKey];
            gateway.CorsOrigins = [AllowedOrigin];
        });
        Server = await GatewayServer.StartAsync(settings);
    }

    public Task DisposeAsync() => Server.DisposeAsync().AsTask();
}

/// <summary>
/// One silo with every role and the gateway whose talker has room for utterances of thousands of frames (tens of
/// seconds of generation even on the tiny models), so a test can walk away from one long before it would end.
/// Exposes the talker model, whose sequences show whether a request's state was released.
/// </summary>
public sealed class LongUtteranceGatewayFixture : IAsyncLifetime
{
    public const int ContextPerSequence = 4096;

    private readonly string _root = Directory.CreateTempSubdirectory("qwen3-gateway-long-").FullName;

    public GatewayServer Server { get; private set; } = null!;

    public string ClusterId { get; private set; } = "";

    public int OrleansGatewayPort { get; private set; }

    public TalkerModel Talker => Server.Host.Services.GetRequiredService<TalkerEngine>().Model;

    public IGrainFactory Grains => Server.Host.Services.GetRequiredService<IGrainFactory>();

    public async Task InitializeAsync()
    {
        var models = Path.Combine(_root, "models");
        await SyntheticModelKit.WriteAsync(models, SyntheticPreset.Tiny, seed: 29);
        var settings = GatewayServer.Settings([GrainRoles.Talker, GrainRoles.Predictor, GrainRoles.Vocoder, GrainRoles.Gateway], models,
            gateway => gateway.VoicesDirectory = Directory.CreateDirectory(Path.Combine(_root, "voices")).FullName);
        settings.Talker.ContextPerSequence = ContextPerSequence;
        ClusterId = settings.Cluster.ClusterId;
        OrleansGatewayPort = settings.Silos.Single().GatewayPort;
        Server = await GatewayServer.StartAsync(settings);
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }
}

/// <summary>The test classes that share one full gateway silo (one model load, one Kestrel server).</summary>
[CollectionDefinition(Name)]
public sealed class GatewayCollection : ICollectionFixture<GatewayFixture>
{
    public const string Name = "gateway silo with every role";
}
