namespace Qwen3Tts.Gateway.Admission;

/// <summary>
/// <c>gateway.admission</c> in cluster.json: how many speech requests one gateway runs at once, how many more may
/// wait, and for how long. A request beyond both is refused at once with 429 and a Retry-After; one that waited
/// <see cref="QueueTimeout"/> without starting gets 503 and a Retry-After. Bounding the queue bounds the latency of
/// the requests that are accepted: unbounded, 64 clients on one talker saw a p99 of 17 s and 503s after 30 s.
/// </summary>
public sealed class AdmissionOptions
{
    /// <summary>Speech requests running at once; a talker serves <c>talker.maxSequences</c> (4) at a time, the rest wait there.</summary>
    public int MaxConcurrentRequests { get; set; } = 8;

    /// <summary>Requests waiting for one of those places; 0 refuses every request beyond <see cref="MaxConcurrentRequests"/>.</summary>
    public int MaxQueuedRequests { get; set; } = 16;

    public TimeSpan QueueTimeout { get; set; } = TimeSpan.FromSeconds(60);

    public void Validate()
    {
        if (MaxConcurrentRequests < 1)
        {
            throw new ArgumentException($"gateway.admission.maxConcurrentRequests must be at least 1, got {MaxConcurrentRequests}");
        }
        if (MaxQueuedRequests < 0)
        {
            throw new ArgumentException($"gateway.admission.maxQueuedRequests must not be negative, got {MaxQueuedRequests}");
        }
        if (QueueTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"gateway.admission.queueTimeout must be positive, got {QueueTimeout}");
        }
    }
}
