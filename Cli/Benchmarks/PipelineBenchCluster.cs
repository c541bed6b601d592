using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Qwen3Tts.Inference.Talker;
using Qwen3Tts.Client;
using Qwen3Tts.Grains;
using Qwen3Tts.Grains.Hosting;
using Qwen3Tts.Inference.Checkpoints;

namespace Qwen3Tts.Cli.Benchmarks;

/// <summary>
/// Three silos in this process, one role each (talker, predictor, vocoder), joined over loopback TCP with the
/// production role wiring, and a <see cref="Qwen3TtsClient"/> on the talker silo's gateway: every frame crosses
/// real grain calls, serialization and sockets, so the difference to the in-process run is the cluster's cost.
/// </summary>
internal sealed class PipelineBenchCluster : IAsyncDisposable
{
    private static readonly string[] Roles = [GrainRoles.Talker, GrainRoles.Predictor, GrainRoles.Vocoder];

    private readonly List<IHost> _silos;

    private PipelineBenchCluster(List<IHost> silos, Qwen3TtsClient client)
    {
        _silos = silos;
        Client = client;
    }

    public Qwen3TtsClient Client { get; }

    public static string Layout => string.Join(" | ", Roles);

    public static async Task<PipelineBenchCluster> StartAsync(string modelsDirectory, WeightPrecision quant, TalkerBackend talkerEngine, CancellationToken cancellationToken)
    {
        var clusterId = $"bench-{Guid.NewGuid():N}";
        const string serviceId = "qwen3-tts-bench";
        var ports = Roles.Select(_ => (Silo: LoopbackPorts.Free(), Gateway: LoopbackPorts.Free())).ToArray();
        var primary = new IPEndPoint(IPAddress.Loopback, ports[0].Silo);
        var silos = new List<IHost>();
        try
        {
            for (var i = 0; i < Roles.Length; i++)
            {
                var (siloPort, gatewayPort) = ports[i];
                var role = Roles[i];
                var builder = Host.CreateApplicationBuilder();
                builder.Logging.ClearProviders();
                builder.UseOrleans(silo => silo
                    .UseLocalhostClustering(siloPort, gatewayPort, primary, serviceId, clusterId)
                    .AddTtsRoles(new TtsSiloOptions { Roles = [role], ModelsDirectory = modelsDirectory, Quant = quant, Talker = new TalkerOptions { Engine = talkerEngine } }));
                var host = builder.Build();
                silos.Add(host);
                await host.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            await LoopbackClusterFormation.WaitAsync(silos, TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
            var client = await Qwen3TtsClient.ConnectAsync(new Qwen3TtsClientOptions
            {
                ClusterId = clusterId,
                ServiceId = serviceId,
                GatewayPorts = [ports[0].Gateway],
            }, cancellationToken).ConfigureAwait(false);
            return new PipelineBenchCluster(silos, client);
        }
        catch
        {
            await StopAsync(silos).ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync().ConfigureAwait(false);
        await StopAsync(_silos).ConfigureAwait(false);
    }

    private static async Task StopAsync(List<IHost> silos)
    {
        // The primary last: the others leave the cluster it holds.
        for (var i = silos.Count - 1; i >= 0; i--)
        {
            await silos[i].StopAsync(CancellationToken.None).ConfigureAwait(false);
            silos[i].Dispose();
        }
    }

}
