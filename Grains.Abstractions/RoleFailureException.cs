namespace Qwen3Tts.Grains;

/// <summary>How a role call failed, which decides what a client is told (and the HTTP status a gateway answers).</summary>
public enum RoleFailure
{
    /// <summary>The role's silo stopped answering: it died, was shut down, or no silo hosts the role.</summary>
    Unavailable,

    /// <summary>The role is at capacity (every KV sequence busy and its wait queue full); retry later.</summary>
    Busy,

    /// <summary>The role ran and failed (a model error, a changed model file, a full context).</summary>
    Failed,
}

/// <summary>
/// A request failed in one role (talker, predictor or vocoder), said in words a client may see: the message never
/// carries silo addresses, grain ids, method signatures or stack traces. The synthesis grain raises it where it calls
/// the role, so the error names the role that actually failed, whichever call happened to notice.
/// </summary>
[GenerateSerializer]
public sealed class RoleFailureException : Exception
{
    /// <param name="inner">What the role call threw, for the logs; clients read <see cref="Exception.Message"/>.</param>
    public RoleFailureException(string role, RoleFailure failure, string message, TimeSpan? retryAfter = null, Exception? inner = null)
        : base(message, inner)
    {
        Role = role;
        Failure = failure;
        RetryAfter = retryAfter;
    }

    [Id(0)]
    public string Role { get; }

    [Id(1)]
    public RoleFailure Failure { get; }

    /// <summary>For <see cref="RoleFailure.Busy"/> and <see cref="RoleFailure.Unavailable"/>: when a retry may succeed.</summary>
    [Id(2)]
    public TimeSpan? RetryAfter { get; }
}
