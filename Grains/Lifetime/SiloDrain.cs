namespace Qwen3Tts.Grains.Lifetime;

/// <summary>
/// The work a silo is doing for requests (a synthesis, a talker utterance, a vocoder stream, a predictor call, an
/// HTTP request), so a graceful shutdown can wait for it: once <see cref="BeginDraining"/> is called no new work
/// starts here (it is refused, and new requests go to other silos), and <see cref="WaitUntilIdleAsync"/> returns
/// when the work under way has ended or the deadline passed.
/// </summary>
public sealed class SiloDrain
{
    private readonly object _gate = new();
    private int _inFlight;
    private bool _draining;
    private TaskCompletionSource? _idle;

    public bool IsDraining
    {
        get
        {
            lock (_gate)
            {
                return _draining;
            }
        }
    }

    public int InFlight
    {
        get
        {
            lock (_gate)
            {
                return _inFlight;
            }
        }
    }

    /// <summary>Counts one piece of work until the returned handle is disposed; null once draining (the caller refuses the work).</summary>
    public Work? TryStart()
    {
        lock (_gate)
        {
            if (_draining)
            {
                return null;
            }
            _inFlight++;
            return new Work(this);
        }
    }

    /// <summary>Counts work that belongs to a request already admitted (a later step of it), also while draining.</summary>
    public Work Continue()
    {
        lock (_gate)
        {
            _inFlight++;
            return new Work(this);
        }
    }

    public void BeginDraining()
    {
        lock (_gate)
        {
            _draining = true;
        }
    }

    /// <summary>True when the work ended before <paramref name="deadline"/>; false if some was still running.</summary>
    public async Task<bool> WaitUntilIdleAsync(TimeSpan deadline, CancellationToken cancellationToken = default)
    {
        Task idle;
        lock (_gate)
        {
            if (_inFlight == 0)
            {
                return true;
            }
            _idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            idle = _idle.Task;
        }
        try
        {
            await idle.WaitAsync(deadline, cancellationToken);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private void End()
    {
        TaskCompletionSource? idle = null;
        lock (_gate)
        {
            if (--_inFlight == 0 && _idle is not null)
            {
                idle = _idle;
                _idle = null;
            }
        }
        idle?.TrySetResult();
    }

    /// <summary>One piece of work; disposing ends it (once).</summary>
    public sealed class Work(SiloDrain drain) : IDisposable
    {
        private int _ended;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _ended, 1) == 0)
            {
                drain.End();
            }
        }
    }
}
