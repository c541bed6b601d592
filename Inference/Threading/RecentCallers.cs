using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Qwen3Tts.Inference.Threading;

/// <summary>
/// How many distinct callers (streams) have used a batching queue lately: a caller counts as active for
/// <see cref="Horizon"/> after its last submission. A queue uses it to tell "I am alone" (run at once) from
/// "the others' items are a few microseconds behind this one" (gather them first). Callers are kept as
/// identity hashes, so the estimator holds no reference to them; a collision only undercounts.
/// Thread-safe; allocates nothing.
/// </summary>
public sealed class RecentCallers
{
    private readonly int[] _keys;
    private readonly long[] _seen;
    private readonly long _horizonTicks;
    private readonly object _lock = new();

    public RecentCallers(int capacity, TimeSpan horizon)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(horizon, TimeSpan.Zero);
        _keys = new int[capacity];
        _seen = new long[capacity];
        Horizon = horizon;
        _horizonTicks = (long)(horizon.TotalSeconds * Stopwatch.Frequency);
    }

    public TimeSpan Horizon { get; }

    /// <summary>Records a submission by <paramref name="caller"/> now.</summary>
    public void Seen(object caller) => Seen(caller, Stopwatch.GetTimestamp());

    internal void Seen(object caller, long now)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var key = RuntimeHelpers.GetHashCode(caller);
        lock (_lock)
        {
            var slot = 0;
            for (var i = 0; i < _keys.Length; i++)
            {
                if (_seen[i] != 0 && _keys[i] == key)
                {
                    slot = i;
                    break;
                }
                if (_seen[i] < _seen[slot])
                {
                    slot = i;
                }
            }
            _keys[slot] = key;
            _seen[slot] = now;
        }
    }

    /// <summary>Callers seen within the horizon (at most the capacity).</summary>
    public int Active() => Active(Stopwatch.GetTimestamp());

    internal int Active(long now)
    {
        var count = 0;
        lock (_lock)
        {
            for (var i = 0; i < _seen.Length; i++)
            {
                if (_seen[i] != 0 && now - _seen[i] < _horizonTicks)
                {
                    count++;
                }
            }
        }
        return count;
    }
}
