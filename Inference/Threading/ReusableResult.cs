using System.Threading.Tasks.Sources;

namespace Qwen3Tts.Inference.Threading;

/// <summary>
/// The value task of a <see cref="ReusableCompletion"/>'s current arming, resolving to what <paramref name="result"/>
/// returns when the awaiter resumes (it runs on the awaiting thread, inside the await, exactly once per await).
/// Why not an <c>async</c> method that awaits the completion and then computes the value: its state-machine box comes
/// from a pool with one slot per thread and one per core, and a step whose continuation resumes on another thread of
/// the pool every few frames found both empty. The talker and predictor steps allocated 1.6-3.8 KB per 52-frame stream
/// that way (a harness of 10 streams in a row, 31-73 bytes per frame, never settling); this allocates nothing per use.
/// Arm the completion (directly or through whoever completes it), then take <see cref="Current"/> and await it once.
/// </summary>
public sealed class ReusableResult<T>(ReusableCompletion completion, Func<T> result) : IValueTaskSource<T>
{
    private readonly ReusableCompletion _completion = completion ?? throw new ArgumentNullException(nameof(completion));
    private readonly Func<T> _result = result ?? throw new ArgumentNullException(nameof(result));

    /// <summary>The completion's current arming, as a value task of the result.</summary>
    public ValueTask<T> Current => new(this, _completion.Version);

    T IValueTaskSource<T>.GetResult(short token)
    {
        // Throws the completion's exception (a failed step) before any result is computed.
        ((IValueTaskSource)_completion).GetResult(token);
        return _result();
    }

    ValueTaskSourceStatus IValueTaskSource<T>.GetStatus(short token) => ((IValueTaskSource)_completion).GetStatus(token);

    void IValueTaskSource<T>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        ((IValueTaskSource)_completion).OnCompleted(continuation, state, token, flags);
}
