namespace Qwen3Tts.Grains.Admission;

/// <summary>
/// <c>talkerQueue</c> in cluster.json: the bounded queue of each talker silo. A talker runs <c>talker.maxSequences</c>
/// requests at once (one KV sequence each); up to <see cref="MaxWaiting"/> more wait for a sequence, at most
/// <see cref="Wait"/> each; beyond that a request is refused at once as busy (429 with Retry-After at the gateway).
/// </summary>
public sealed class TalkerQueueOptions
{
    /// <summary>The longest a start call may take on the wire (<see cref="ITalkerGrain.StartAsync"/>'s response timeout); <see cref="Wait"/> must leave room for the prefill.</summary>
    public static readonly TimeSpan StartCallLimit = TimeSpan.Parse(RoleCallTimeouts.TalkerStart, System.Globalization.CultureInfo.InvariantCulture);

    public int MaxWaiting { get; set; } = 8;

    public TimeSpan Wait { get; set; } = TimeSpan.FromSeconds(60);

    public void Validate()
    {
        if (MaxWaiting < 0)
        {
            throw new ArgumentException($"talkerQueue.maxWaiting must not be negative, got {MaxWaiting}");
        }
        if (Wait <= TimeSpan.Zero || Wait > StartCallLimit - TimeSpan.FromMinutes(1))
        {
            throw new ArgumentException($"talkerQueue.wait must be between 0 and {(StartCallLimit - TimeSpan.FromMinutes(1)).TotalMinutes:0} minutes, got {Wait}");
        }
    }
}
