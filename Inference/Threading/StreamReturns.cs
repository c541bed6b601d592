namespace Qwen3Tts.Inference.Threading;

/// <summary>
/// Where each stream (caller) of a batching queue is in its round: here (queued), or away since its last item
/// completed, and how long it usually stays away (an average of the time between a completion and its next
/// submission). A queue asks it how long a pass should wait for the streams that are on their way back
/// (<see cref="WaitUntil"/>), which is what merges streams that would otherwise take turns: each stream's loop is
/// talker step, predictor frame, talker step ..., and with 4 streams two used to sit at one queue while two sat at the
/// other. Not thread-safe: its queue calls it under its own lock. Times are <see cref="System.Diagnostics.Stopwatch"/> ticks.
/// </summary>
internal sealed class StreamReturns
{
    private readonly Entry[] _entries;
    private long _passes;

    public StreamReturns(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _entries = new Entry[capacity];
    }

    /// <summary>Streams known now (here or away), for tests.</summary>
    public int Known => _entries.Count(e => e.Caller is not null);

    /// <summary>
    /// <paramref name="caller"/> queued an item: it is here. The time since its last completion is a sample of its away time.
    /// </summary>
    public void Submitted(object caller, long now)
    {
        var i = Find(caller, claim: true);
        if (i < 0)
        {
            // More streams than the table holds, all of them queued: this one is simply not waited for.
            return;
        }
        ref var e = ref _entries[i];
        if (e.LastCompleted != 0)
        {
            var sample = Math.Max(1, now - e.LastCompleted);
            // Half the weight to the newest sample: a stream's away time follows the load within a few rounds.
            e.Away = e.Away == 0 ? sample : (e.Away + sample) / 2;
        }
        e.Queued = true;
        e.LastActive = now;
    }

    /// <summary>A new pass id for <see cref="Completed"/>: the streams of one pass are expected back together.</summary>
    public long NextPass() => ++_passes;

    /// <summary><paramref name="caller"/>'s item of pass <paramref name="pass"/> completed: it is away from now on.</summary>
    public void Completed(object caller, long now, long pass)
    {
        var i = Find(caller, claim: false);
        if (i < 0)
        {
            return;
        }
        ref var e = ref _entries[i];
        e.Queued = false;
        e.LastCompleted = now;
        e.LastActive = now;
        e.Pass = pass;
    }

    /// <summary>The stream ended (or was cancelled): never wait for it again.</summary>
    public void Forget(object caller)
    {
        var i = Find(caller, claim: false);
        if (i >= 0)
        {
            _entries[i] = default;
        }
    }

    /// <summary>
    /// Until when a pass that holds the queued streams should wait for the others, at most until
    /// <paramref name="deadline"/> (its start plus the cap, <paramref name="cap"/>); 0 when it should not wait. A stream
    /// away is waited for while it is not overdue (twice its usual away time since its last completion, or the cap for a
    /// stream seen back only once: one that ended, was cancelled, or is held by a slow client or a full vocoder stops being
    /// waited for then), and only when it is due back within the cap, or it left in the same pass as a stream queued now
    /// (they travel together: a pass of 4 stays 4 however long they were away).
    /// </summary>
    public long WaitUntil(long now, long deadline, long cap)
    {
        long until = 0;
        for (var i = 0; i < _entries.Length; i++)
        {
            ref readonly var e = ref _entries[i];
            if (e.Caller is null || e.Queued || e.LastCompleted == 0)
            {
                continue;
            }
            var limit = e.Away == 0 ? e.LastCompleted + cap : e.LastCompleted + 2 * e.Away;
            if (limit <= now)
            {
                continue;
            }
            var due = e.Away == 0 || e.LastCompleted + e.Away <= deadline || LeftWithAQueuedStream(e.Pass);
            if (due && limit > until)
            {
                until = limit;
            }
        }
        return until == 0 ? 0 : Math.Min(until, deadline);
    }

    private bool LeftWithAQueuedStream(long pass)
    {
        foreach (ref readonly var e in _entries.AsSpan())
        {
            if (e.Caller is not null && e.Queued && e.Pass == pass)
            {
                return true;
            }
        }
        return false;
    }

    private int Find(object caller, bool claim)
    {
        var free = -1;
        for (var i = 0; i < _entries.Length; i++)
        {
            ref readonly var e = ref _entries[i];
            if (ReferenceEquals(e.Caller, caller))
            {
                return i;
            }
            // A free slot first, else the stream away the longest (it most likely ended without saying so).
            if (!claim || e.Queued)
            {
                continue;
            }
            if (e.Caller is null)
            {
                if (free < 0 || _entries[free].Caller is not null)
                {
                    free = i;
                }
            }
            else if (free < 0 || (_entries[free].Caller is not null && e.LastActive < _entries[free].LastActive))
            {
                free = i;
            }
        }
        if (free >= 0)
        {
            _entries[free] = new Entry { Caller = caller };
        }
        return free;
    }

    // The caller is held by reference, so an entry can only name its own stream; the table is small (2 x the batch) and a
    // stream that ends is forgotten or replaced, so it keeps at most that many small objects alive.
    private struct Entry
    {
        public object? Caller;
        public bool Queued;
        public long LastCompleted;
        public long LastActive;
        public long Away;
        public long Pass;
    }
}
