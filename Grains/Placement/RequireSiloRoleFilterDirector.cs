using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Placement;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace Qwen3Tts.Grains.Placement;

/// <summary>Keeps the silos whose <c>tts.roles</c> metadata contains the grain's required role.</summary>
public sealed class RequireSiloRoleFilterDirector(ISiloMetadataCache metadata) : IPlacementFilterDirector
{
    public IEnumerable<SiloAddress> Filter(PlacementFilterStrategy filterStrategy, PlacementTarget target, IEnumerable<SiloAddress> silos)
    {
        var role = ((RequireSiloRoleFilterStrategy)filterStrategy).Role;
        var candidates = silos.ToList();
        var hosting = candidates.Where(silo => RolesOf(silo).Contains(role)).ToList();
        // Orleans would report "no active nodes are compatible with grain ...", which does not say that a
        // board is missing; name the role so the operator knows which silo to bring back.
        return hosting.Count > 0 ? hosting : throw new OrleansException(NoSiloMessage(role, target, candidates));
    }

    private IReadOnlySet<string> RolesOf(SiloAddress silo) =>
        SiloRoles.Parse(metadata.GetSiloMetadata(silo).Metadata.GetValueOrDefault(SiloRoles.MetadataKey));

    private string NoSiloMessage(string role, PlacementTarget target, List<SiloAddress> candidates)
    {
        var live = candidates.Count == 0
            ? "none"
            : string.Join("; ", candidates.Select(silo => $"{silo} ({(RolesOf(silo) is { Count: > 0 } roles ? string.Join(",", roles) : "no roles")})"));
        return $"no live silo hosts the '{role}' role that {target.GrainIdentity.Type} grains need (live silos: {live}); "
            + $"start a silo with that role (qwen3-tts-silo --roles {role}, or a cluster.json entry listing it)";
    }
}
