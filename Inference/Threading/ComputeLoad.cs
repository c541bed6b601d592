namespace Qwen3Tts.Inference.Threading;

/// <summary>
/// How many threads of the process are computing right now, so that a matrix product fans out to helper threads only
/// onto cores nobody else is using. The talker's decode, the code predictor's pass and the decoder's chunk each
/// <see cref="Enter"/> for as long as they run, and a product adds the helpers it wakes for as long as they work.
/// Why: with 4 concurrent streams the talker, the predictor and four decoders all had work on 2 cores, yet every product
/// still woke its helper, which then competed for a core and left its caller waiting for a chunk held by a preempted
/// thread. With every engine on one thread (QWEN3_TTS_THREADS=1) the same streams cost 67-70 CPU-ms per frame instead of
/// 74-79. With this load, `bench --frames 128`, 3 alternating rounds on a 2-core Zen 5: 4 at once 25.1-29.7 -> 25.8-32.4
/// frames/s, 62-75 -> 56-71 CPU-ms per frame; one stream 13.0-15.0 -> 14.2-16.0 frames/s. A product that finds every
/// core taken runs on its caller's thread alone, which gives the same bits (<see cref="Qwen3.RowParallelism"/> computes
/// each row with one kernel wherever it runs).
/// </summary>
public sealed class ComputeLoad
{
    // The load the calling thread is inside (a thread counts once, in one load at a time).
    [ThreadStatic] private static ComputeLoad? t_load;

    private readonly Func<int> _cores;
    private int _busy;

    /// <param name="cores">The cores the counted threads share, read at every product (the thread budget can be configured after start-up).</param>
    public ComputeLoad(Func<int> cores)
    {
        ArgumentNullException.ThrowIfNull(cores);
        _cores = cores;
    }

    /// <summary>The process's engines, on the thread budget's cores (<see cref="ThreadBudget.Cores"/>).</summary>
    public static ComputeLoad Process { get; } = new(() => ThreadBudget.Current.Cores);

    /// <summary>Never limits a product: for pools whose fan-out is the point (tests of the pool itself).</summary>
    public static ComputeLoad Unshared { get; } = new(() => int.MaxValue);

    /// <summary>Threads computing now: those inside a scope and the helpers of running products.</summary>
    public int Busy => Volatile.Read(ref _busy);

    public int Cores => _cores();

    /// <summary>Counts the calling thread as computing until the scope is disposed; nested scopes on one thread count once.</summary>
    public Scope Enter()
    {
        if (ReferenceEquals(t_load, this))
        {
            // Nested: the outer scope counts this thread and ends after this one.
            return default;
        }
        Interlocked.Increment(ref _busy);
        if (t_load is null)
        {
            t_load = this;
            return new Scope(this, owned: true);
        }
        // Already inside another load: counted here too, but not as the caller of this one's products.
        return new Scope(this, owned: false);
    }

    /// <summary>How many of <paramref name="wanted"/> helpers a product of the calling thread may wake now (0 = run alone).</summary>
    public int SpareHelpers(int wanted)
    {
        var cores = Cores;
        if (cores == int.MaxValue)
        {
            return wanted;
        }
        var others = Busy - (ReferenceEquals(t_load, this) ? 1 : 0);
        return Math.Clamp(cores - 1 - others, 0, wanted);
    }

    /// <summary>Helpers woken for a product: counted busy until <see cref="HelpersDone"/>.</summary>
    internal void HelpersStarted(int helpers) => Interlocked.Add(ref _busy, helpers);

    internal void HelpersDone(int helpers) => Interlocked.Add(ref _busy, -helpers);

    private void Exit(bool owned)
    {
        if (owned)
        {
            t_load = null;
        }
        Interlocked.Decrement(ref _busy);
    }

    /// <summary>A computing thread's time in the load (default: a nested scope, which counts nothing); a struct, so entering allocates nothing.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly ComputeLoad? _load;
        private readonly bool _owned;

        internal Scope(ComputeLoad load, bool owned)
        {
            _load = load;
            _owned = owned;
        }

        public void Dispose() => _load?.Exit(_owned);
    }
}
