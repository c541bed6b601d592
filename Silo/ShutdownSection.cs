namespace Qwen3Tts.Silo;

/// <summary>
/// <c>shutdown</c> in cluster.json: on SIGTERM (or Ctrl-C) a silo stops taking new work, lets the requests it is
/// serving finish for up to <see cref="DrainTimeout"/>, and only then leaves the cluster.
/// </summary>
public sealed class ShutdownSection
{
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public void Validate()
    {
        if (DrainTimeout < TimeSpan.Zero || DrainTimeout > TimeSpan.FromMinutes(10))
        {
            throw new ArgumentException($"shutdown.drainTimeout must be between 0 and 10 minutes, got {DrainTimeout}");
        }
    }
}
