using System.Diagnostics;

namespace Qwen3Tts.Grains.Metrics;

/// <summary>
/// Calls per second and their mean duration over the last <see cref="WindowSeconds"/> seconds, for gauges a
/// dashboard can show as they are. The Orleans Dashboard shows a counter's running total and a histogram's running
/// sum; "187 steps, 221.6 ms" says nothing about how fast the talker is going now, "12.4 steps/s at 1.2 ms" does.
/// One-second buckets in a ring: recording takes a lock for a few additions and allocates nothing.
/// </summary>
public sealed class RecentWindow
{
    public const int WindowSeconds = 10;

    private readonly Lock _gate = new();
    private readonly long[] _counts = new long[WindowSeconds];
    private readonly double[] _milliseconds = new double[WindowSeconds];
    private readonly long[] _bucketSecond = new long[WindowSeconds];
    private readonly Func<long> _clock;
    private readonly long _started;

    /// <param name="clock">Seconds of a monotonic clock (tests pass their own).</param>
    public RecentWindow(Func<long>? clock = null)
    {
        _clock = clock ?? (() => Stopwatch.GetTimestamp() / Stopwatch.Frequency);
        _started = _clock();
        Array.Fill(_bucketSecond, long.MinValue);
    }

    /// <summary>One call (or <paramref name="count"/> items) that took <paramref name="milliseconds"/>.</summary>
    public void Record(double milliseconds, long count = 1)
    {
        var now = _clock();
        lock (_gate)
        {
            var slot = (int)(now % WindowSeconds);
            if (_bucketSecond[slot] != now)
            {
                _bucketSecond[slot] = now;
                _counts[slot] = 0;
                _milliseconds[slot] = 0;
            }
            _counts[slot] += count;
            _milliseconds[slot] += milliseconds;
        }
    }

    /// <summary>Items per second over the window (or since start, when that is shorter).</summary>
    public double PerSecond
    {
        get
        {
            var (count, _, seconds) = Sum();
            return count / seconds;
        }
    }

    /// <summary>Mean milliseconds per recorded call over the window; 0 when there were none.</summary>
    public double MeanMilliseconds
    {
        get
        {
            var (count, milliseconds, _) = Sum();
            return count == 0 ? 0 : milliseconds / count;
        }
    }

    private (long Count, double Milliseconds, double Seconds) Sum()
    {
        var now = _clock();
        long count = 0;
        double milliseconds = 0;
        lock (_gate)
        {
            for (var i = 0; i < WindowSeconds; i++)
            {
                if (_bucketSecond[i] > now - WindowSeconds && _bucketSecond[i] <= now)
                {
                    count += _counts[i];
                    milliseconds += _milliseconds[i];
                }
            }
        }
        return (count, milliseconds, Math.Clamp(now - _started + 1, 1, WindowSeconds));
    }
}
