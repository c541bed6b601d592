using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.TestingHost;
using Qwen3Tts.Grains;
using Qwen3Tts.Grains.Hosting;

namespace Qwen3Tts.Tests.Cluster;

/// <summary>
/// An in-process cluster whose silos declare the roles a test gives them, where silos can be killed and
/// boards "plugged back in" (<see cref="StartSiloAsync"/>). Only the first silo is a client gateway, as
/// on a real deployment where clients reach the cluster through the gateway board, so every request's
/// SynthesisGrain runs there and its role calls cross to the other silos.
/// </summary>
public sealed class FailoverCluster : IAsyncDisposable
{
    private readonly Dictionary<string, string[]> _rolesByName = [];
    private readonly string _modelsDirectory;
    private string[]? _nextRoles;

    private FailoverCluster(string modelsDirectory) => _modelsDirectory = modelsDirectory;

    /// <summary>
    /// How long a stopped silo waits for its requests. The drain tests show that the requests under way finish, not how
    /// fast this machine is: in a full suite at a load average of 45 on two cores the default 30 s cut the four requests
    /// of <c>DrainTests</c> off ("no live silo hosts the 'predictor' role" after 1 min 23 s; the same test passed at a
    /// load of 22 in 1 min 36 s).
    /// </summary>
    public static readonly TimeSpan DrainTimeout = TimeSpan.FromMinutes(3);

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    public static async Task<FailoverCluster> StartAsync(string modelsDirectory, params string[][] rolesPerSilo)
    {
        var cluster = new FailoverCluster(modelsDirectory);
        var builder = new InProcessTestClusterBuilder((short)rolesPerSilo.Length);
        builder.ConfigureSilo((options, silo) =>
        {
            var roles = cluster.RolesFor(options.SiloName, rolesPerSilo);
            silo.AddTtsRoles(new TtsSiloOptions
            {
                Roles = [.. roles],
                ModelsDirectory = cluster._modelsDirectory,
                Talker = RoleClusterFixture.TalkerOptions(),
                DrainTimeout = DrainTimeout,
            });
            silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = RoleClusterFixture.ResponseTimeout);
            // The probe settings a board cluster gets from cluster.json (faultDetection).
            silo.Configure<ClusterMembershipOptions>(new Qwen3Tts.Silo.FaultDetectionSection().Apply);
            if (!roles.Contains(GrainRoles.Gateway))
            {
                // Runs after the test cluster's own endpoint settings: 0 = accept no client connections.
                silo.Services.PostConfigure<EndpointOptions>(o => o.GatewayPort = 0);
            }
        });
        builder.ConfigureClient(client => client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = RoleClusterFixture.ResponseTimeout));
        cluster.Cluster = builder.Build();
        await cluster.Cluster.DeployAsync();
        await cluster.Cluster.WaitForLivenessToStabilizeAsync();
        await cluster.Cluster.WaitForClusterManifestToStabilizeAsync();
        return cluster;
    }

    /// <summary>Starts one more silo with <paramref name="roles"/>, as when a board comes back.</summary>
    public async Task<InProcessSiloHandle> StartSiloAsync(params string[] roles)
    {
        lock (_rolesByName)
        {
            _nextRoles = roles;
        }
        var silo = await Cluster.StartAdditionalSiloAsync();
        await Cluster.WaitForClusterManifestToStabilizeAsync();
        return silo;
    }

    public IReadOnlyList<string> RolesOf(string siloName)
    {
        lock (_rolesByName)
        {
            return _rolesByName[siloName];
        }
    }

    /// <summary>How many activations of grain class <typeparamref name="TGrain"/> each live silo holds, by silo name.</summary>
    public async Task<Dictionary<string, int>> ActivationsAsync<TGrain>()
    {
        var statistics = await Client.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
        return statistics
            .Where(s => s.GrainType.Contains(typeof(TGrain).Name, StringComparison.Ordinal) && s.ActivationCount > 0)
            .GroupBy(s => NameOf(s.SiloAddress))
            .ToDictionary(g => g.Key, g => g.Sum(s => s.ActivationCount));
    }

    public string NameOf(SiloAddress address) => Cluster.Silos.Single(s => s.SiloAddress.Equals(address)).Name;

    public async ValueTask DisposeAsync() => await Cluster.DisposeAsync();

    /// <summary>
    /// The initial silos start in parallel and are told apart by name; an added silo takes the roles
    /// <see cref="StartSiloAsync"/> asked for (the test cluster may reuse a killed silo's name for it).
    /// </summary>
    private string[] RolesFor(string siloName, string[][] initial)
    {
        lock (_rolesByName)
        {
            var roles = _nextRoles ?? initial[int.Parse(siloName["Silo_".Length..])];
            _nextRoles = null;
            _rolesByName[siloName] = roles;
            return roles;
        }
    }
}
