namespace Qwen3Tts.Cli.Benchmarks;

/// <summary>What one consumer saw in one run: arrival times (ms since the request started) of the chunks that arrived in order.</summary>
internal sealed record StreamingRun(IReadOnlyList<double> ArrivalsMs, int ChunkBytes);

/// <summary>One mode and chunk size over all timed runs.</summary>
internal sealed record StreamingStats(int Delivered, int Expected, double FirstChunkMs, double GapMeanMs, double GapP95Ms, double MegabytesPerSecond)
{
    /// <summary>
    /// First-chunk time and throughput are medians over runs; the gaps (arrival minus previous arrival minus
    /// the production interval, i.e. the delay the transport adds) are pooled over all runs.
    /// </summary>
    public static StreamingStats From(IReadOnlyList<StreamingRun> runs, int chunksPerRun, int intervalMs)
    {
        var gaps = new List<double>();
        var firsts = new List<double>();
        var rates = new List<double>();
        foreach (var run in runs)
        {
            var arrivals = run.ArrivalsMs;
            if (arrivals.Count == 0)
            {
                continue;
            }
            firsts.Add(arrivals[0]);
            for (var i = 1; i < arrivals.Count; i++)
            {
                gaps.Add(arrivals[i] - arrivals[i - 1] - intervalMs);
            }
            rates.Add(arrivals.Count * (double)run.ChunkBytes / 1e6 / (arrivals[^1] / 1000));
        }
        return new StreamingStats(
            runs.Sum(r => r.ArrivalsMs.Count),
            runs.Count * chunksPerRun,
            Median(firsts),
            gaps.Count > 0 ? gaps.Average() : double.NaN,
            Percentile(gaps, 0.95),
            Median(rates));
    }

    private static double Median(List<double> values) => Percentile(values, 0.5);

    private static double Percentile(List<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }
        values.Sort();
        return values[Math.Clamp((int)Math.Ceiling(p * values.Count) - 1, 0, values.Count - 1)];
    }
}
