using System.Threading.Tasks.Sources;

namespace Qwen3Tts.Inference.Threading;

/// <summary>
/// One completion that is awaited, completed and armed again, over and over, without allocating: the per-step
/// "your decode is done" of a hot loop that a <see cref="TaskCompletionSource"/> per step would pay for (~170 B each).
/// Ownership rule: one owner arms it (<see cref="Arm"/>), hands it to one completer, and awaits the returned
/// <see cref="ValueTask"/> exactly once before arming it again; the completer calls <see cref="SetResult"/> or
/// <see cref="SetException"/> exactly once per arming. Continuations run on the thread pool, never on the
/// completer's thread (a decode worker must not run a request's frame loop).
/// </summary>
public sealed class ReusableCompletion : IValueTaskSource
{
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };

    /// <summary>Resets for the next use and returns what to await for it.</summary>
    public ValueTask Arm()
    {
        _core.Reset();
        return new ValueTask(this, _core.Version);
    }

    /// <summary>The current arming's token (<see cref="ReusableResult{T}"/> builds its value task from it).</summary>
    internal short Version => _core.Version;

    public void SetResult() => _core.SetResult(true);

    public void SetException(Exception exception) => _core.SetException(exception);

    void IValueTaskSource.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
