namespace Qwen3Tts.Grains.Admission;

/// <summary>
/// Counts the requests a talker silo holds, running or waiting for a KV sequence, and refuses the one that would
/// overflow <c>maxSequences + talkerQueue.maxWaiting</c>, so a burst gets a quick "busy" instead of queueing for
/// minutes behind long texts.
/// </summary>
public sealed class TalkerAdmission(int sequences, TalkerQueueOptions options)
{
    private int _held;

    public int Capacity { get; } = sequences + options.MaxWaiting;

    public int Held => Volatile.Read(ref _held);

    /// <summary>Takes a place or throws <see cref="RoleFailureException"/> (busy); give it back with <see cref="Leave"/>.</summary>
    public void Enter()
    {
        if (Interlocked.Increment(ref _held) > Capacity)
        {
            Interlocked.Decrement(ref _held);
            throw new RoleFailureException(GrainRoles.Talker, RoleFailure.Busy,
                $"the talker is busy: {sequences} requests are being spoken and {options.MaxWaiting} wait (talker.maxSequences, talkerQueue.maxWaiting); retry later",
                TimeSpan.FromSeconds(5));
        }
    }

    public void Leave() => Interlocked.Decrement(ref _held);
}
