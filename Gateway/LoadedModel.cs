using Qwen3Tts.Grains;
using Qwen3Tts.Inference.Models;

namespace Qwen3Tts.Gateway;

/// <summary>
/// What the cluster's model can honour, asked of a talker silo on each use (a gateway board may hold no models, and a
/// silo's model set may be replaced while the gateway runs).
/// </summary>
internal static class LoadedModel
{
    /// <summary>The capabilities; a cluster without a live talker is the same 503 a synthesis would get.</summary>
    public static async Task<ModelCapabilities> GetAsync(IGrainFactory grains, ClusterReadiness readiness, CancellationToken cancellationToken)
    {
        try
        {
            return (await grains.GetGrain<IModelInfoGrain>(0).GetAsync().WaitAsync(cancellationToken)).ToInference();
        }
        catch (Exception e) when (SynthesisFailures.Translate(e, readiness, "model-info") is { } error)
        {
            throw error;
        }
    }

    /// <summary>The capabilities, or null when no talker answers (the voice list then shows the library alone).</summary>
    public static async Task<ModelCapabilities?> TryGetAsync(IGrainFactory grains, CancellationToken cancellationToken)
    {
        try
        {
            return (await grains.GetGrain<IModelInfoGrain>(0).GetAsync().WaitAsync(cancellationToken)).ToInference();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return null;
        }
    }
}
