using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Dashboard;
using Qwen3Tts.Gateway;
using Qwen3Tts.Grains;

namespace Qwen3Tts.Silo;

/// <summary>
/// The process host of one silo. A silo with the gateway role is an ASP.NET Core application (Kestrel on
/// gateway.urls) serving the HTTP API and the Orleans Dashboard at /dashboard; any other silo is a plain
/// generic host. Every silo adds the dashboard's silo side, so each one reports its own statistics.
/// Used by qwen3-tts-silo, `qwen3-tts serve` and `qwen3-tts silo`.
/// </summary>
public static class SiloApp
{
    public const string DashboardPath = "/dashboard";

    /// <param name="settings">The loaded settings (<see cref="SiloHosting.LoadSettings"/>).</param>
    /// <param name="configure">Last-moment adjustments to the host (logging levels in tests, say).</param>
    public static IHost Build(ClusterSettings settings, Action<IHostApplicationBuilder>? configure = null)
    {
        var entry = settings.ResolveSilo();
        settings.Shutdown.Validate();
        OrleansPortCheck.ThrowIfTaken(settings);
        var isGateway = entry.Roles.Contains(GrainRoles.Gateway, StringComparer.OrdinalIgnoreCase);
        if (!isGateway)
        {
            var builder = Host.CreateApplicationBuilder();
            ConfigureSilo(builder, settings, entry);
            configure?.Invoke(builder);
            return builder.Build();
        }

        // No args: the silo's own command line was already read into settings, and ASP.NET must not reinterpret it.
        var web = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        web.Services.AddTtsGateway(settings.Gateway); // validates the gateway section first
        web.WebHost.UseUrls(settings.Gateway.Urls.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
        web.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = Qwen3Tts.Gateway.GatewayOptions.ServerBodyLimit(settings.Gateway.MaxBodyWithClipBytes));
        ConfigureSilo(web, settings, entry);
        configure?.Invoke(web);

        var app = web.Build();
        app.MapTtsGateway();
        app.MapOrleansDashboard(DashboardPath);
        return app;
    }

    /// <summary>Starts the host; a port another process holds becomes a <see cref="PortInUseException"/> with a one-line message.</summary>
    public static async Task StartAsync(IHost host, CancellationToken cancellationToken = default)
    {
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch (Exception e) when (FindAddressInUse(e) is { } inUse)
        {
            throw new PortInUseException($"a port this silo needs is already in use ({inUse.Message}); stop the other process or pick other ports (--port, --silo-port, --gateway-port, or cluster.json)", e);
        }
    }

    /// <summary>The addresses Kestrel listens on (with the real port when the configured one was 0); empty for a silo without the gateway role.</summary>
    public static IReadOnlyList<string> HttpAddresses(IHost host) =>
        host.Services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];

    private static void ConfigureSilo(IHostApplicationBuilder builder, ClusterSettings settings, SiloEntry entry)
    {
        // The host's stop budget covers the drain (shutdown.drainTimeout) and Orleans' own leaving after it.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.Shutdown.DrainTimeout + TimeSpan.FromSeconds(30));
        builder.UseOrleans(silo => silo
            .UseTtsCluster(settings)
            .Configure<SiloOptions>(o => o.SiloName = entry.Name)
            .AddDashboard());
    }

    // The wrapper just above the socket error names the address (Kestrel: "Failed to bind to address http://...").
    private static Exception? FindAddressInUse(Exception? e)
    {
        Exception? wrapper = null;
        for (; e is not null; wrapper = e, e = e.InnerException)
        {
            if (e is AddressInUseException or SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse })
            {
                return wrapper ?? e;
            }
        }
        return null;
    }
}

/// <summary>An HTTP or Orleans port of this silo is held by another process.</summary>
public sealed class PortInUseException(string message, Exception inner) : InvalidOperationException(message, inner);
