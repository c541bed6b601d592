namespace Qwen3Tts.Grains.Lifetime;

/// <summary>
/// The voice clips a silo encodes (codes or x-vector), one at a time: each encoder already spreads one clip over every
/// core, and a silo with both roles would otherwise run two at once. Each clip holds a place in the silo's drain from
/// the moment it arrives, its wait for a turn included, so a silo stopped gracefully finishes every clip it accepted;
/// once it is draining a new clip is refused with <see cref="SiloShutdown.Refusal"/>. The turns are taken here rather
/// than by Orleans' one call at a time per activation, which would keep the waiting clips outside the grain, where the
/// drain does not see them.
/// </summary>
public sealed class ClipTurns(SiloDrain drain)
{
    private readonly SemaphoreSlim _turn = new(1, 1);

    /// <summary>Runs <paramref name="encode"/> on the thread pool in this silo's next turn, for a clip of <paramref name="role"/>.</summary>
    public async Task<T> RunAsync<T>(string role, Func<T> encode, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var work = drain.TryStart() ?? throw SiloShutdown.Refusal(role);
        await _turn.WaitAsync(cancellationToken);
        try
        {
            return await Task.Run(encode, cancellationToken);
        }
        finally
        {
            _turn.Release();
        }
    }
}
