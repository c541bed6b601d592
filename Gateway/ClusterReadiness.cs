using Microsoft.AspNetCore.Http;
using Orleans.Runtime;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Qwen3Tts.Grains;
using Qwen3Tts.Grains.Placement;

namespace Qwen3Tts.Gateway;

/// <summary>
/// Which active silos host which role, read the way the placement filter reads it (the <c>tts.roles</c> silo
/// metadata), so "ready" means exactly "every grain of a request can be placed". A silo only joins the cluster
/// after loading its role's models, so an active silo with a role has that role's models. A silo that has just
/// joined counts once its grain manifest has reached this one: until then placement does not see it (a request
/// would fail with "no live silo hosts" while /readyz already said yes).
/// </summary>
public sealed class ClusterReadiness(IClusterMembershipService membership, ISiloMetadataCache metadata, IClusterManifestProvider manifests)
{
    /// <summary>The roles one synthesis needs.</summary>
    public static IReadOnlyList<string> WorkerRoles { get; } = [GrainRoles.Talker, GrainRoles.Predictor, GrainRoles.Vocoder];

    public ClusterRoleReport Check()
    {
        var known = manifests.Current.Silos;
        var active = membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active && known.ContainsKey(m.SiloAddress)).ToList();
        var roles = new SortedDictionary<string, List<SiloDescription>>(StringComparer.Ordinal);
        foreach (var role in WorkerRoles.Append(GrainRoles.Gateway))
        {
            roles[role] = [];
        }
        foreach (var silo in active)
        {
            var declared = SiloRoles.Parse(metadata.GetSiloMetadata(silo.SiloAddress).Metadata.GetValueOrDefault(SiloRoles.MetadataKey));
            foreach (var role in declared.Where(roles.ContainsKey))
            {
                roles[role].Add(new SiloDescription(silo.Name, silo.SiloAddress.ToParsableString()));
            }
        }
        var missing = WorkerRoles.Where(role => roles[role].Count == 0).ToList();
        return new ClusterRoleReport(roles.ToDictionary(r => r.Key, r => (IReadOnlyList<SiloDescription>)r.Value), missing);
    }

    /// <summary>Refuses a request up front when a role it needs has no silo (503 naming the roles).</summary>
    public void EnsureReady()
    {
        var report = Check();
        if (!report.Ready)
        {
            throw Unavailable(report.Missing);
        }
    }

    public static OpenAiErrorException Unavailable(IReadOnlyList<string> missing) =>
        new(StatusCodes.Status503ServiceUnavailable,
            $"no live silo hosts the {string.Join(", ", missing)} role{(missing.Count == 1 ? "" : "s")}; start a silo with --roles {string.Join(',', missing)} (see GET /readyz)",
            OpenAiErrorTypes.ServiceUnavailable, code: "role_unavailable") { RetryAfter = TimeSpan.FromSeconds(5) };
}

public sealed record SiloDescription(string Name, string Address);

public sealed record ClusterRoleReport(IReadOnlyDictionary<string, IReadOnlyList<SiloDescription>> Roles, IReadOnlyList<string> Missing)
{
    public bool Ready => Missing.Count == 0;
}
