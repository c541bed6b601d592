using Orleans.Placement;

namespace Qwen3Tts.Grains.Placement;

/// <summary>
/// Activates the grain only on silos whose <c>tts.roles</c> metadata lists <paramref name="role"/>.
/// Why a placement filter: it narrows the candidates and still lets the grain keep any placement
/// strategy ([StatelessWorker], random, ...). Heterogeneous silos (GrainTypeOptions) would need a different
/// class list per host; a custom director replaces placement instead of narrowing it; and
/// [SiloRoleBasedPlacement] keys on the membership role name, which is the entry assembly's name (stack-notes A.1).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class RequireSiloRoleAttribute(string role, int order = 0)
    : PlacementFilterAttribute(new RequireSiloRoleFilterStrategy(role, order));
