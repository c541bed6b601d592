using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Qwen3Tts.Gateway;
using Qwen3Tts.Silo;
using Qwen3Tts.Tests.Cluster;

namespace Qwen3Tts.Tests.Gateway;

/// <summary>
/// A real silo host built by <see cref="SiloApp"/> in this process: Orleans on free localhost ports with its own
/// cluster id, Kestrel on 127.0.0.1 with a port the OS picks, and an <see cref="HttpClient"/> aimed at it.
/// </summary>
public sealed class GatewayServer : IAsyncDisposable
{
    private GatewayServer(IHost host, Uri baseAddress)
    {
        Host = host;
        BaseAddress = baseAddress;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(2) };
    }

    public IHost Host { get; }

    public Uri BaseAddress { get; }

    public HttpClient Http { get; }

    /// <summary>The silo's own Orleans meter, where the tts-* instruments and the dashboard's counters live.</summary>
    public Meter OrleansMeter => Host.Services.GetRequiredService<OrleansInstruments>().Meter;

    public static ClusterSettings Settings(IReadOnlyList<string> roles, string? modelsDirectory, Action<GatewayOptions>? gateway = null)
    {
        var id = "gw-test-" + Guid.NewGuid().ToString("N")[..12];
        var settings = new ClusterSettings
        {
            Cluster = new ClusterSection { ClusterId = id, ServiceId = id, Clustering = "localhost" },
            Models = new ModelsSection { Directory = modelsDirectory },
            Talker = RoleClusterFixture.TalkerOptions(),
            Silos = [new SiloEntry { Name = "gateway-test", Roles = [.. roles], SiloPort = SiloProcess.FreePort(), GatewayPort = SiloProcess.FreePort() }],
        };
        settings.Gateway.Urls = "http://127.0.0.1:0";
        gateway?.Invoke(settings.Gateway);
        return settings;
    }

    public static async Task<GatewayServer> StartAsync(ClusterSettings settings)
    {
        var host = SiloApp.Build(settings, builder => builder.Logging.SetMinimumLevel(LogLevel.Warning));
        try
        {
            await SiloApp.StartAsync(host);
            var address = SiloApp.HttpAddresses(host).Single();
            return new GatewayServer(host, new Uri(address));
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Host.StopAsync();
        Host.Dispose();
    }

    /// <summary>A port nothing listens on right now, held open by the returned listener until it is disposed.</summary>
    public static TcpListener HoldPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return listener;
    }
}
