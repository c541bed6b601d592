using Orleans.Concurrency;
using Qwen3Tts.Grains.Placement;
using Qwen3Tts.Inference.Talker;

namespace Qwen3Tts.Grains;

/// <summary>The talker's <see cref="TalkerEngine.Capabilities"/>, on talker silos only; one activation per silo.</summary>
[StatelessWorker(1)]
[RequireSiloRole(GrainRoles.Talker)]
public sealed class ModelInfoGrain(TalkerEngine engine) : Grain, IModelInfoGrain
{
    public Task<ModelInfoDto> GetAsync() => Task.FromResult(engine.Capabilities.ToDto());

    public Task<string> GetSiloAsync() => Task.FromResult(RuntimeIdentity);
}
