using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Qwen3Tts.Grains.Lifetime;

/// <summary>
/// The drain step of a silo's graceful shutdown. It stops at the same lifecycle stage as Orleans' membership agent
/// (<see cref="ServiceLifecycleStage.BecomeActive"/>), which marks the silo ShuttingDown meanwhile, so other silos
/// place no new work here while the requests under way finish; Orleans deactivates the grains only at the next
/// stage, after this has returned. Work still running at the deadline is cut off as before.
/// </summary>
public sealed class SiloDrainParticipant(SiloDrain drain, SiloDrainOptions options, ILogger<SiloDrainParticipant> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SiloDrainParticipant), ServiceLifecycleStage.BecomeActive, _ => Task.CompletedTask, DrainAsync);

    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        drain.BeginDraining();
        var inFlight = drain.InFlight;
        if (inFlight == 0)
        {
            return;
        }
        logger.LogWarning("shutting down: waiting up to {Deadline} s for {Count} request(s) under way", options.DrainTimeout.TotalSeconds, inFlight);
        var clock = Stopwatch.StartNew();
        if (await drain.WaitUntilIdleAsync(options.DrainTimeout, cancellationToken))
        {
            logger.LogWarning("shutting down: the requests under way finished in {Seconds:F1} s", clock.Elapsed.TotalSeconds);
        }
        else
        {
            logger.LogWarning("shutting down: {Count} request(s) still running after {Deadline} s are cut off", drain.InFlight, options.DrainTimeout.TotalSeconds);
        }
    }
}

/// <summary>How long a shutting-down silo waits for its requests (cluster.json <c>shutdown.drainTimeout</c>).</summary>
public sealed class SiloDrainOptions
{
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
