using Orleans.Runtime;
using Orleans.Runtime.Messaging;

namespace Qwen3Tts.Grains.Channels;

/// <summary>
/// Runs one call into a role grain and turns what it can throw into a <see cref="RoleFailureException"/> naming that
/// role, in words a client may see. Cancellation, request errors (<see cref="ArgumentException"/>: a voice the talker
/// refuses, a text too long) and failures already named pass through unchanged.
/// </summary>
internal static class RoleCalls
{
    public static async Task<T> CallAsync<T>(string role, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception exception) when (Name(role, exception) is { } named)
        {
            throw named;
        }
    }

    public static async Task CallAsync(string role, Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (Exception exception) when (Name(role, exception) is { } named)
        {
            throw named;
        }
    }

    /// <summary>
    /// Lets go of a role's state for a request (a release, the end of an utterance). A silo that is gone took that state
    /// with it, so its unavailability is no error here; any other failure is.
    /// </summary>
    public static async Task ReleaseAsync(string role, Func<Task> release)
    {
        try
        {
            await release();
        }
        catch (Exception exception) when (Name(role, exception) is { Failure: RoleFailure.Unavailable })
        {
        }
    }

    /// <summary>The named failure for <paramref name="exception"/>, or null to let it through as it is.</summary>
    public static RoleFailureException? Name(string role, Exception exception) => exception switch
    {
        OperationCanceledException or RoleFailureException or ArgumentException => null,
        // Orleans breaks the calls to a silo it declared dead, refuses messages for one that is going, and times out
        // the rest; to the request all of them mean the same: that board is gone.
        SiloUnavailableException or OrleansMessageRejectionException or ConnectionFailedException or TimeoutException =>
            new RoleFailureException(role, RoleFailure.Unavailable,
                $"the {role} silo stopped answering (it was stopped, crashed or lost its network); retry, and another {role} silo takes over if one is up",
                TimeSpan.FromSeconds(2), exception),
        // The placement filter's message when no silo hosts the role (or the role's last silo is shutting down).
        OrleansException when exception.Message.StartsWith(NoSiloPrefix, StringComparison.Ordinal) =>
            new RoleFailureException(role, RoleFailure.Unavailable,
                $"no live silo hosts the '{role}' role; start one (qwen3-tts silo --roles {role}) and retry", TimeSpan.FromSeconds(5), exception),
        _ => new RoleFailureException(role, RoleFailure.Failed, $"the {role} failed: {ErrorText.Describe(exception)}", inner: exception),
    };

    /// <summary>How <see cref="Placement.RequireSiloRoleFilterDirector"/> starts its message.</summary>
    internal const string NoSiloPrefix = "no live silo hosts the '";
}
