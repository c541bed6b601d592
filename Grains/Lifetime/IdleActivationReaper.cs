namespace Qwen3Tts.Grains.Lifetime;

/// <summary>
/// Ends an activation keyed by one request when it holds no request a while after it started. Orleans creates such an
/// activation for a message that arrives after the request ended (a late cancellation of a call the caller gave up on,
/// an enumerator's last call); left alone it stays idle until collection, ~15 minutes later (seen in the hang-up tests
/// of the talker and of the web page). The timer does not interleave with calls, so it never ends one that is waiting
/// its turn, and the grain says whether it holds a request between the calls of a streamed one.
/// </summary>
internal static class IdleActivationReaper
{
    /// <summary>How long a fresh activation may wait for its request (its first call comes within milliseconds).</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(2);

    /// <param name="grain">The grain, from its <c>OnActivateAsync</c>.</param>
    /// <param name="holdsRequest">Whether the activation is serving its request now.</param>
    /// <param name="deactivate">The grain's <c>DeactivateOnIdle</c>.</param>
    public static void Register(Grain grain, Func<bool> holdsRequest, Action deactivate) =>
        grain.RegisterGrainTimer(() =>
        {
            if (!holdsRequest())
            {
                deactivate();
            }
            return Task.CompletedTask;
        }, Grace, Grace);
}
