using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Runtime;

namespace Qwen3Tts.Cli.Benchmarks;

/// <summary>
/// Waits until every silo of an in-process loopback cluster sees all of them active with their grain manifests.
/// A silo's <c>StartAsync</c> returns once it has joined, but the others learn of it through membership gossip a
/// moment later; a request placed before that fails with "no live silo hosts the 'predictor' role" (seen once on a
/// loaded 2-core box, load average 2.6, in the bench's cluster run).
/// </summary>
internal static class LoopbackClusterFormation
{
    public static async Task WaitAsync(IReadOnlyList<IHost> silos, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            while (!silos.All(silo => SeesAll(silo, silos.Count)))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), deadline.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var seen = string.Join(", ", silos.Select(silo => ActiveKnown(silo)));
            throw new TimeoutException($"the {silos.Count} loopback silos did not all see each other within {timeout.TotalSeconds:F0} s (each saw {seen} active)");
        }
    }

    private static bool SeesAll(IHost silo, int count) => ActiveKnown(silo) >= count;

    private static int ActiveKnown(IHost silo)
    {
        var membership = silo.Services.GetRequiredService<IClusterMembershipService>();
        var known = silo.Services.GetRequiredService<IClusterManifestProvider>().Current.Silos;
        return membership.CurrentSnapshot.Members.Values.Count(m => m.Status == SiloStatus.Active && known.ContainsKey(m.SiloAddress));
    }
}
