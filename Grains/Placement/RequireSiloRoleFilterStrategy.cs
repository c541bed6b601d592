using Orleans.Metadata;
using Orleans.Placement;
using Orleans.Runtime;

namespace Qwen3Tts.Grains.Placement;

/// <summary>The role a grain type requires, carried in the grain type's properties across the cluster manifest.</summary>
public sealed class RequireSiloRoleFilterStrategy(string role, int order) : PlacementFilterStrategy(order)
{
    private const string RoleProperty = "tts-role";

    /// <summary>DI creates the strategy empty; <see cref="AdditionalInitialize"/> restores the role from the grain properties.</summary>
    public RequireSiloRoleFilterStrategy() : this(string.Empty, 0)
    {
    }

    public string Role { get; private set; } = role;

    public override void AdditionalInitialize(GrainProperties properties) =>
        Role = GetPlacementFilterGrainProperty(RoleProperty, properties)
            ?? throw new ArgumentException($"the grain type has no '{RoleProperty}' placement property");

    protected override IEnumerable<KeyValuePair<string, string>> GetAdditionalGrainProperties(
        IServiceProvider services, Type grainClass, GrainType grainType, IReadOnlyDictionary<string, string> existingProperties)
    {
        yield return new KeyValuePair<string, string>(RoleProperty, Role);
    }
}
