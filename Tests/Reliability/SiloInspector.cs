using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Runtime;
using Qwen3Tts.Grains;

namespace Qwen3Tts.Tests.Reliability;

/// <summary>
/// An Orleans client on a real silo process's gateway port that asks its management grain what the silo holds: the
/// activations of the per-request grains, and the managed memory left after a full collection. RSS alone cannot tell
/// a leak from the GC's heap settling (it rose 80-110 MiB over the first minute of load and then stayed flat for four);
/// these two can.
/// </summary>
internal sealed class SiloInspector : IAsyncDisposable
{
    /// <summary>The grains that live for one request: none of them may outlive it.</summary>
    public static readonly Type[] RequestGrains = [typeof(SynthesisGrain), typeof(TalkerGrain), typeof(PredictorGrain), typeof(VocoderGrain)];

    private readonly IHost _host;
    private readonly IManagementGrain _management;

    private SiloInspector(IHost host)
    {
        _host = host;
        _management = host.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0);
    }

    public static async Task<SiloInspector> ConnectAsync(string clusterId, int gatewayPort)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, clusterId));
            client.UseStaticClustering(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, gatewayPort));
        });
        var host = builder.Build();
        await host.StartAsync();
        return new SiloInspector(host);
    }

    /// <summary>Activations of <see cref="RequestGrains"/> by class name (only those with any).</summary>
    public async Task<Dictionary<string, int>> RequestActivationsAsync()
    {
        var statistics = await _management.GetSimpleGrainStatistics();
        return RequestGrains
            // GrainType is the class's full name, possibly followed by its assembly.
            .Select(t => (t.Name, Count: statistics.Where(s => s.GrainType.StartsWith(t.FullName!, StringComparison.Ordinal)).Sum(s => s.ActivationCount)))
            .Where(a => a.Count > 0)
            .ToDictionary(a => a.Name, a => a.Count);
    }

    /// <summary>Polls until no request grain is active or <paramref name="timeout"/> passed; returns what is left.</summary>
    public async Task<Dictionary<string, int>> WaitForNoRequestActivationsAsync(TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var left = await RequestActivationsAsync();
            if (left.Count == 0 || clock.Elapsed > timeout)
            {
                return left;
            }
            await Task.Delay(250);
        }
    }

    /// <summary>Runs a full blocking collection on every silo, then returns the managed memory in use (live objects and fragmentation) in MiB.</summary>
    public async Task<double> ManagedMegabytesAfterFullCollectionAsync()
    {
        var silos = (await _management.GetHosts(onlyActive: true)).Keys.ToArray();
        await _management.ForceGarbageCollection(silos);
        await _management.ForceRuntimeStatisticsCollection(silos);
        var statistics = await _management.GetRuntimeStatistics(silos);
        // The raw figure: the filtered one smooths over seconds and would hide the collection just made.
        return statistics.Sum(s => (double)s.EnvironmentStatistics.RawMemoryUsageBytes) / (1024 * 1024);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
