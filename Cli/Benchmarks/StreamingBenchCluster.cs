using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Qwen3Tts.Cli.Benchmarks;

/// <summary>
/// A throwaway one-silo cluster plus a separate external client, both in this process but talking over TCP
/// on free localhost ports, so the benchmark pays the real serialization and socket costs. It is not the
/// production silo: only this host gets the "bench" memory stream provider.
/// </summary>
internal sealed class StreamingBenchCluster : IAsyncDisposable
{
    private readonly IHost _silo;
    private readonly IHost _client;

    private StreamingBenchCluster(IHost silo, IHost client)
    {
        _silo = silo;
        _client = client;
    }

    public IClusterClient Client => _client.Services.GetRequiredService<IClusterClient>();

    public static async Task<StreamingBenchCluster> StartAsync(CancellationToken cancellationToken)
    {
        var (siloPort, gatewayPort) = (LoopbackPorts.Free(), LoopbackPorts.Free());
        var clusterId = $"bench-{Guid.NewGuid():N}";

        var siloBuilder = Host.CreateApplicationBuilder();
        siloBuilder.Logging.ClearProviders();
        siloBuilder.UseOrleans(silo => silo
            .UseLocalhostClustering(siloPort, gatewayPort, serviceId: "qwen3-tts-bench", clusterId: clusterId)
            .AddMemoryGrainStorage("PubSubStore")
            .AddMemoryStreams(StreamingBenchGrain.StreamProvider));
        var silo = siloBuilder.Build();
        await silo.StartAsync(cancellationToken);

        var clientBuilder = Host.CreateApplicationBuilder();
        clientBuilder.Logging.ClearProviders();
        clientBuilder.UseOrleansClient(client => client
            .UseLocalhostClustering(gatewayPort, serviceId: "qwen3-tts-bench", clusterId: clusterId)
            .AddMemoryStreams(StreamingBenchGrain.StreamProvider));
        var client = clientBuilder.Build();
        try
        {
            await client.StartAsync(cancellationToken);
        }
        catch
        {
            client.Dispose();
            await silo.StopAsync(CancellationToken.None);
            silo.Dispose();
            throw;
        }
        return new StreamingBenchCluster(silo, client);
    }

    public async ValueTask DisposeAsync()
    {
        await _client.StopAsync(CancellationToken.None);
        _client.Dispose();
        await _silo.StopAsync(CancellationToken.None);
        _silo.Dispose();
    }

}
