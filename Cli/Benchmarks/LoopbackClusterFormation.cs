using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Qwen3Tts.Gateway;

namespace Qwen3Tts.Cli.Benchmarks;

/// <summary>
/// Waits until every silo of an in-process loopback cluster can place every role's grains, as `/readyz` judges it
/// (<see cref="ClusterReadiness"/>: an active silo with the role whose grain manifest has arrived). A silo's
/// <c>StartAsync</c> returns once it has joined, but the others learn of it through membership gossip a moment later;
/// a request placed before that failed with "no live silo hosts the 'predictor' role" (once, on a loaded 2-core box,
/// load average 2.6, in the bench's cluster run).
/// </summary>
internal static class LoopbackClusterFormation
{
    public static async Task WaitAsync(IReadOnlyList<IHost> silos, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var views = silos.Select(silo => ActivatorUtilities.CreateInstance<ClusterReadiness>(silo.Services)).ToList();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            while (!views.All(view => view.Check().Ready))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), deadline.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var missing = string.Join("; ", views.Select((view, i) => $"silo {i + 1} misses {string.Join(", ", view.Check().Missing.DefaultIfEmpty("nothing"))}"));
            throw new TimeoutException($"the {silos.Count} loopback silos could not place every role within {timeout.TotalSeconds:F0} s ({missing})");
        }
    }
}
