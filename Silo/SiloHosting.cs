using System.Net;
using Microsoft.Extensions.Configuration;
using Orleans.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Qwen3Tts.Grains.Hosting;
using Qwen3Tts.Silo.Clustering;

namespace Qwen3Tts.Silo;

public static class SiloHosting
{
    /// <summary>
    /// cluster.json (or <c>--config PATH</c>), then <c>QWEN3_TTS_*</c> variables, then the command line
    /// (<c>--roles --silo --models --urls --port --voices --vocoder --quant --eos --host --silo-port --gateway-port</c>; <c>--port</c>
    /// keeps the hosts of gateway.urls, <c>--host</c> is the silo's own address).
    /// </summary>
    public static ClusterSettings LoadSettings(string[] args)
    {
        var switches = new Dictionary<string, string>
        {
            ["--config"] = "config",
            ["--roles"] = "roles",
            ["--silo"] = "silo",
            ["--models"] = "models:directory",
            ["--urls"] = "gateway:urls",
            ["--voices"] = "gateway:voicesDirectory",
            ["--port"] = "port",
            ["--vocoder"] = "vocoder:engine",
            ["--talker-engine"] = "talker:engine",
            ["--quant"] = "quant",
            ["--eos"] = "eos",
            ["--host"] = "siloHost",
            ["--silo-port"] = "siloPort",
            ["--gateway-port"] = "gatewayPort",
        };
        var commandLine = new ConfigurationBuilder().AddCommandLine(args, switches).Build();
        var path = commandLine["config"] ?? "cluster.json";
        if (commandLine["config"] is not null && !File.Exists(path))
        {
            throw new FileNotFoundException($"cluster configuration '{path}' does not exist", path);
        }
        var builder = new ConfigurationBuilder();
        if (File.Exists(path) || Directory.Exists(path) || new FileInfo(path).LinkTarget is not null) // a dangling link too: named as one
        {
            // Read and checked first (bounded, regular file, UTF-8, JSON), so a bad file is a clear error, never a hang.
            builder.AddJsonStream(new MemoryStream(ClusterConfigFile.Read(path)));
        }
        var configuration = builder
            .AddEnvironmentVariables("QWEN3_TTS_")
            .AddCommandLine(args, switches)
            .Build();
        var settings = configuration.Get<ClusterSettings>() ?? new ClusterSettings();
        if (commandLine["port"] is { } port)
        {
            settings.Gateway.UsePort(int.TryParse(port, out var number) ? number : throw new ArgumentException($"--port '{port}' is not a number"));
        }
        return settings;
    }

    /// <summary>Clustering, endpoints and the role wiring for the silo this process runs as.</summary>
    public static ISiloBuilder UseTtsCluster(this ISiloBuilder silo, ClusterSettings settings)
    {
        var entry = settings.ResolveSilo();
        settings.FaultDetection.Validate();
        settings.Shutdown.Validate();
        silo.Configure<ClusterMembershipOptions>(settings.FaultDetection.Apply);
        silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = settings.FaultDetection.ResponseTimeout);
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = settings.Cluster.ClusterId;
            o.ServiceId = settings.Cluster.ServiceId;
        });
        switch (settings.Cluster.Clustering.ToLowerInvariant())
        {
            case "localhost":
                // Every silo of the machine shares one membership file; none is primary, so any can restart.
                silo.Configure<EndpointOptions>(o =>
                {
                    o.AdvertisedIPAddress = IPAddress.Loopback;
                    o.SiloPort = entry.SiloPort;
                    o.GatewayPort = entry.GatewayPort;
                });
                silo.Services.AddSingleton(new FileMembershipTableOptions { Directory = settings.Cluster.MembershipDirectory });
                silo.Services.AddSingleton<IMembershipTable, FileMembershipTable>();
                break;
            case "adonet":
                var connectionString = settings.Cluster.AdoNet.ResolveConnectionString();
                silo.UseAdoNetClustering(o =>
                {
                    o.Invariant = settings.Cluster.AdoNet.Invariant;
                    o.ConnectionString = connectionString;
                });
                silo.ConfigureEndpoints(IPAddress.Parse(entry.Host), entry.SiloPort, entry.GatewayPort, listenOnAnyHostAddress: true);
                break;
            default:
                throw new InvalidOperationException($"unknown clustering '{settings.Cluster.Clustering}'; use 'localhost' or 'adonet'");
        }
        // Before any engine loads: their thread defaults come from the budget.
        Inference.Threading.ThreadBudget.Configure(settings.Threads);
        return silo.AddTtsRoles(new TtsSiloOptions
        {
            Roles = entry.Roles,
            ModelsDirectory = settings.Models.Directory is { } models ? Inference.Models.Store.ModelStoreOptions.ExpandHome(models) : null,
            Talker = settings.Talker,
            TalkerQueue = settings.TalkerQueue,
            DrainTimeout = settings.Shutdown.DrainTimeout,
            Vocoder = settings.Vocoder,
            Predictor = settings.Predictor,
            Quant = settings.ResolveQuant(),
            Eos = settings.ResolveEos(),
            LongText = settings.LongText,
        });
    }
}
