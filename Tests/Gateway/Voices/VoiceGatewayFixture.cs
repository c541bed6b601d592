using Qwen3Tts.Grains;
using Qwen3Tts.Tests.Pipeline;
using Qwen3Tts.Tests.Voices;

namespace Qwen3Tts.Tests.Gateway.Voices;

/// <summary>
/// One silo with every role and the gateway over the tiny models plus a speaker encoder (so cloned voices carry an
/// x-vector), an empty voice library of its own, and small clip limits so refusals are cheap to provoke.
/// </summary>
public sealed class VoiceGatewayFixture : IAsyncLifetime
{
    public const double MaxSeconds = 3;
    public const long MaxUploadBytes = 400 * 1024;
    public const int MaxReferenceTextCharacters = 200;

    private readonly TinyModelsFixture _tiny = new();
    private readonly string _root = Directory.CreateTempSubdirectory("qwen3-voice-gateway-").FullName;

    public GatewayServer Server { get; private set; } = null!;

    public HttpClient Http => Server.Http;

    public string ModelsDirectory => Path.Combine(_root, "models");

    public string VoicesDirectory => Path.Combine(_root, "voices");

    public async Task InitializeAsync()
    {
        await _tiny.InitializeAsync();
        CloneFixtures.ModelsWithSpeakerEncoder(_tiny, ModelsDirectory);
        var settings = GatewayServer.Settings([GrainRoles.Talker, GrainRoles.Predictor, GrainRoles.Vocoder, GrainRoles.Gateway], ModelsDirectory, gateway =>
        {
            gateway.VoicesDirectory = VoicesDirectory;
            gateway.Cloning.MaxSeconds = MaxSeconds;
            gateway.Cloning.MaxUploadBytes = MaxUploadBytes;
            gateway.Cloning.MaxReferenceTextCharacters = MaxReferenceTextCharacters;
        });
        Server = await GatewayServer.StartAsync(settings);
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        await _tiny.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }
}
