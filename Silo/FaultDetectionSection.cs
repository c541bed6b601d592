using Orleans.Configuration;

namespace Qwen3Tts.Silo;

/// <summary>
/// <c>faultDetection</c> in cluster.json: how fast silos notice that another one is gone, tuned for boards on a LAN.
/// Orleans' defaults (a 5 s probe, 3 misses) are for data centres and let a request wait 10-15 s on a dead board.
/// With a probe every 0.5 s and 2 misses (the second one confirmed through another silo) a killed board is declared
/// dead, and the calls under way to it fail, in 1-3 s: measured 1.3-2.6 s for SIGKILL of each role on this 2-core
/// machine under a load average of 40 (docs/reliability.md). A board that is merely busy keeps answering: probes are
/// tiny, each probe's timeout adapts to the response times seen (up to <see cref="MaxProbeTimeout"/>), and Orleans
/// stretches it further when the probing silo itself is degraded (GC pauses, a saturated thread pool).
/// </summary>
public sealed class FaultDetectionSection
{
    /// <summary>The interval and base timeout of a liveness probe (Orleans' <c>ProbeTimeout</c>).</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The upper bound of the adaptive probe timeout (Orleans' <c>MaxProbeTimeout</c>; default 4 × the probe timeout there).</summary>
    public TimeSpan MaxProbeTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Consecutive missed probes before a silo votes another one dead.</summary>
    public int MissedProbesLimit { get; set; } = 2;

    /// <summary>
    /// The silo-wide response timeout of grain calls: the limit for a silo that still holds its connections but has
    /// stopped answering (a dead one is noticed by the probes much sooner). Long waits have their own limits.
    /// </summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public void Validate()
    {
        if (ProbeTimeout <= TimeSpan.Zero || MaxProbeTimeout < ProbeTimeout)
        {
            throw new ArgumentException($"faultDetection.probeTimeout must be positive and at most faultDetection.maxProbeTimeout ({ProbeTimeout} / {MaxProbeTimeout})");
        }
        if (MissedProbesLimit < 1)
        {
            throw new ArgumentException($"faultDetection.missedProbesLimit must be at least 1, got {MissedProbesLimit}");
        }
        if (ResponseTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"faultDetection.responseTimeout must be positive, got {ResponseTimeout}");
        }
    }

    public void Apply(ClusterMembershipOptions membership)
    {
        membership.ProbeTimeout = ProbeTimeout;
        membership.MinProbeTimeout = ProbeTimeout;
        membership.MaxProbeTimeout = MaxProbeTimeout;
        membership.NumMissedProbesLimit = MissedProbesLimit;
    }
}
