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
        return silos.Where(silo => SiloRoles.Parse(metadata.GetSiloMetadata(silo).Metadata.GetValueOrDefault(SiloRoles.MetadataKey)).Contains(role));
    }
}
