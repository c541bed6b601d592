namespace Qwen3Tts.Inference.Benchmarks.Pipeline;

/// <summary>The machine the figures belong to.</summary>
/// <param name="FmaGflopsPerCore">The float32 FMA peak of one core, measured (<see cref="FmaPeak"/>); 0 when not measured.</param>
public sealed record MachineFigures(string Description, int Cores, string Kernels, double ReadGBs1, double ReadGBsN, string LoadAverage, double FmaGflopsPerCore = 0);

/// <summary>One stage per frame, next to its limit (a bandwidth floor or a target), both in milliseconds.</summary>
/// <param name="TargetMs">Wall ms per frame the issue asks for.</param>
/// <param name="CpuTargetMs">CPU ms per frame the issue asks for (the vocoder's).</param>
public sealed record StageFigures(string Name, double CpuMsPerFrame, double WallMsPerFrame, double? FloorMs, double? TargetMs, string Limit, double? CpuTargetMs = null)
{
    public static StageFigures Of(string name, StageClock clock, int frames, double? floorMs, double? targetMs, string limit, double? cpuTargetMs = null) =>
        new(name, clock.CpuMs / Math.Max(frames, 1), clock.WallMs / Math.Max(frames, 1), floorMs, targetMs, limit, cpuTargetMs);
}

/// <summary>One end-to-end surface (in-process or the cluster): a single stream and each concurrency.</summary>
public sealed record SurfaceFigures(StreamRun Single, IReadOnlyList<ConcurrencyRun> Concurrency)
{
    /// <summary>Aggregate frames/s at <paramref name="run"/> over one stream's (the 1-stream concurrency run when there is one).</summary>
    public double Gain(ConcurrencyRun run) =>
        run.FramesPerSecond / (Concurrency.FirstOrDefault(c => c.Streams == 1)?.FramesPerSecond ?? Single.Frames * 1000.0 / Single.WallMs);

    /// <summary>
    /// <see cref="Gain"/> as its two factors: how many more cores the run kept busy than one stream did, and how much less CPU
    /// it spent per frame (what batching saved). Their product is the gain; the first can reach at most cores / the one
    /// stream's busy cores, so on a box one stream nearly fills, only the second can lift the gain. Null without a 1-stream run.
    /// </summary>
    public (double MoreCoresBusy, double LessCpuPerFrame)? GainFactors(ConcurrencyRun run) =>
        Concurrency.FirstOrDefault(c => c.Streams == 1) is { } one && one.CpuMs > 0 && run.CpuMs > 0 && run.Frames > 0
            ? (run.CoresBusy / one.CoresBusy, one.CpuMs / one.Frames / (run.CpuMs / run.Frames))
            : null;
}

/// <summary>Resident memory, MB: after loading, peak of one stream, peak with the most concurrent streams.</summary>
/// <param name="KvCacheMb">The talker's KV cache at the end (<see cref="KvSequences"/> sequences): llama.cpp's is all resident from the load, the managed stack's holds what the runs grew it to.</param>
public sealed record RssFigures(double AfterLoadMb, double PeakSingleMb, double PeakConcurrentMb, int ConcurrentStreams, bool PeakWasReset, double KvCacheMb = 0, int KvSequences = 0);

/// <summary>
/// The talker prefill and the in-process first audio of the first request of a voice (its prompt prefix not cached
/// yet) next to a later one (prefix state restored from the cache, only the text rows prefilled), in milliseconds.
/// </summary>
public sealed record PrefixCacheFigures(double PrefillColdMs, double PrefillColdCpuMs, double PrefillWarmMs, double PrefillWarmCpuMs, double FirstAudioColdMs, int PrefixRows, int PromptRows);

/// <summary>Everything `qwen3-tts bench` measured in one run.</summary>
public sealed record PipelineReport(
    MachineFigures Machine,
    string Models,
    string Quant,
    int Frames,
    string Eos,
    double PrefillMs,
    IReadOnlyList<StageFigures> Stages,
    SurfaceFigures InProcess,
    double? RtfTarget,
    RssFigures Rss,
    SurfaceFigures? Cluster,
    PrefixCacheFigures? PrefixCache = null,
    FirstAudioFigures? FirstAudio = null)
{
    /// <summary>The cluster's extra wall time per frame over the in-process stream (grain calls, serialization, loopback TCP).</summary>
    public double? ClusterOverheadMsPerFrame => Cluster is null ? null : Cluster.Single.WallMsPerFrame - InProcess.Single.WallMsPerFrame;
}
