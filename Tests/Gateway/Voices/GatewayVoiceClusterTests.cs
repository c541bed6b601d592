using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Qwen3Tts.Grains;
using Qwen3Tts.Inference.Codec.Encoder;
using Qwen3Tts.Inference.Voices.Cloning;
using Qwen3Tts.Silo;
using Qwen3Tts.Tests.Cluster;
using Qwen3Tts.Tests.Pipeline;
using Qwen3Tts.Tests.Voices;

namespace Qwen3Tts.Tests.Gateway.Voices;

/// <summary>
/// Three silo hosts as on three boards: a vocoder board (the speech tokenizer), a talker board (talker, predictor and
/// the speaker encoder) and a gateway board with no models at all. A voice uploaded over HTTP to the gateway board is
/// encoded on the other two and saved there, the same file this process writes from the same clip, and speaks.
/// </summary>
public sealed class GatewayVoiceClusterTests(TinyModelsFixture tiny) : IClassFixture<TinyModelsFixture>, IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("qwen3-voice-boards-").FullName;

    [Fact]
    public async Task AnUploadToTheGatewayBoardIsEncodedOnTheModelBoards()
    {
        var models = CloneFixtures.ModelsWithSpeakerEncoder(tiny, Path.Combine(_root, "models"));
        var voices = Path.Combine(_root, "voices");
        var id = "voice-boards-" + Guid.NewGuid().ToString("N")[..10];
        SiloEntry[] boards =
        [
            new() { Name = "vocoder-board", Roles = [GrainRoles.Vocoder], SiloPort = SiloProcess.FreePort(), GatewayPort = SiloProcess.FreePort() },
            new() { Name = "talker-board", Roles = [GrainRoles.Talker, GrainRoles.Predictor], SiloPort = SiloProcess.FreePort(), GatewayPort = SiloProcess.FreePort() },
            new() { Name = "gateway-board", Roles = [GrainRoles.Gateway], SiloPort = SiloProcess.FreePort(), GatewayPort = SiloProcess.FreePort() },
        ];
        var hosts = new List<IHost>();
        try
        {
            foreach (var board in boards)
            {
                var settings = new ClusterSettings
                {
                    Cluster = new ClusterSection { ClusterId = id, ServiceId = id, Clustering = "localhost" },
                    // The gateway board has no models directory at all: nothing there could encode.
                    Models = new ModelsSection { Directory = board.Name == "gateway-board" ? Path.Combine(_root, "none") : models },
                    Talker = RoleClusterFixture.TalkerOptions(),
                    Silos = [.. boards],
                    Silo = board.Name,
                };
                settings.Gateway.Urls = "http://127.0.0.1:0";
                settings.Gateway.VoicesDirectory = voices;
                var host = SiloApp.Build(settings, builder => builder.Logging.SetMinimumLevel(LogLevel.Warning));
                hosts.Add(host);
                await SiloApp.StartAsync(host);
            }
            var gateway = hosts[2];
            using var http = new HttpClient { BaseAddress = new Uri(SiloApp.HttpAddresses(gateway).Single()), Timeout = TimeSpan.FromMinutes(2) };
            await WaitForRolesAsync(http);

            var clip = CloneFixtures.ReferenceWav();
            using var created = await VoiceUploads.PostAsync(http, "anna", clip, "Some reference words.");
            Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());

            var local = await new LocalVoiceEncoding(tiny.Store(models)).EncodeAsync(ReferenceClips.FromBytes(clip, "clip.wav", new CloneLimits()), "Some reference words.");
            Assert.Equal(VoiceProfileJson.Render(local), await File.ReadAllBytesAsync(Path.Combine(voices, "anna.json")));
            var grains = gateway.Services.GetRequiredService<IGrainFactory>();
            Assert.Equal(["vocoder-board"], await SilosWithAsync<VoiceEncoderGrain>(grains));
            Assert.Equal(["talker-board"], await SilosWithAsync<SpeakerEncoderGrain>(grains));
            Assert.Equal(["gateway-board"], await SilosWithAsync<VoiceCloneGrain>(grains));

            using var spoken = await SpeechRequests.PostAsync(http, new { model = "tts-1", input = "Spoken across three boards.", voice = "anna", seed = 3, response_format = "wav" });
            Assert.Equal(HttpStatusCode.OK, spoken.StatusCode);
            Assert.True((await spoken.Content.ReadAsByteArrayAsync()).Length > 44);
        }
        finally
        {
            foreach (var host in Enumerable.Reverse(hosts))
            {
                await host.StopAsync();
                host.Dispose();
            }
        }
    }

    private static async Task WaitForRolesAsync(HttpClient http)
    {
        for (var i = 0; i < 200; i++)
        {
            using var ready = await http.GetAsync("/readyz");
            if (ready.StatusCode == HttpStatusCode.OK)
            {
                return;
            }
            await Task.Delay(100);
        }
        Assert.Fail("the three boards did not form a ready cluster within 20 s");
    }

    private static async Task<List<string>> SilosWithAsync<TGrain>(IGrainFactory grains)
    {
        var management = grains.GetGrain<IManagementGrain>(0);
        var statistics = await management.GetSimpleGrainStatistics();
        var names = await management.GetDetailedHosts(onlyActive: true);
        return [.. statistics
            .Where(s => s.GrainType.Contains(typeof(TGrain).Name, StringComparison.Ordinal) && s.ActivationCount > 0)
            .Select(s => names.Single(h => h.SiloAddress.Equals(s.SiloAddress)).SiloName)
            .Distinct()
            .Order(StringComparer.Ordinal)];
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
