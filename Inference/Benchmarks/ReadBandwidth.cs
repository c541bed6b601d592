using System.Diagnostics;
using System.Runtime.Intrinsics;

namespace Qwen3Tts.Inference.Benchmarks;

/// <summary>
/// Measures streaming read bandwidth: each thread sums its own slice of a buffer far larger than the
/// last-level cache, best of several passes. This is the limit a weight-streaming product can reach.
/// </summary>
public static class ReadBandwidth
{
    private const int BufferBytes = 256 << 20;

    /// <summary>GB/s (10^9 bytes) read by <paramref name="threads"/> threads together.</summary>
    public static double Measure(int threads, int passes = 5) => MeasureEach([threads], passes)[threads];

    /// <summary>
    /// GB/s for each thread count over one probe buffer, which is garbage once this returns (a caller that
    /// then measures its own peak RSS does not see it).
    /// </summary>
    public static IReadOnlyDictionary<int, double> MeasureEach(IReadOnlyList<int> threadCounts, int passes = 5)
    {
        var data = GC.AllocateUninitializedArray<byte>(BufferBytes);
        new Random(1).NextBytes(data);
        return threadCounts.Distinct().ToDictionary(t => t, t => Measure(data, t, passes));
    }

    private static double Measure(byte[] data, int threads, int passes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        var slice = data.Length / threads / Vector256<byte>.Count * Vector256<byte>.Count;
        var best = double.MaxValue;
        for (var pass = 0; pass < passes; pass++)
        {
            using var start = new Barrier(threads);
            var workers = new Thread[threads];
            var sink = new long[threads];
            var began = new long[threads];
            var ended = new long[threads];
            for (var t = 0; t < threads; t++)
            {
                var index = t;
                workers[t] = new Thread(() =>
                {
                    start.SignalAndWait();
                    began[index] = Stopwatch.GetTimestamp();
                    sink[index] = Sum(data.AsSpan(index * slice, slice));
                    ended[index] = Stopwatch.GetTimestamp();
                }) { IsBackground = true };
                workers[t].Start();
            }
            foreach (var w in workers)
            {
                w.Join();
            }
            // The readers' own clocks, first start to last end: a caller preempted after the barrier (a loaded box) made
            // the work look faster when it timed the pass itself (95-107 GB/s "on 2 threads" beside 19-21 on 1).
            best = Math.Min(best, Stopwatch.GetElapsedTime(began.Min(), ended.Max()).TotalSeconds);
            GC.KeepAlive(sink);
        }
        return (double)slice * threads / best / 1e9;
    }

    private static long Sum(ReadOnlySpan<byte> data)
    {
        var acc0 = Vector256<ulong>.Zero;
        var acc1 = Vector256<ulong>.Zero;
        var i = 0;
        for (; i + 2 * Vector256<byte>.Count <= data.Length; i += 2 * Vector256<byte>.Count)
        {
            acc0 += Vector256.Create(data.Slice(i, Vector256<byte>.Count)).AsUInt64();
            acc1 += Vector256.Create(data.Slice(i + Vector256<byte>.Count, Vector256<byte>.Count)).AsUInt64();
        }
        return (long)Vector256.Sum(acc0 + acc1);
    }
}
