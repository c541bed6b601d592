using Qwen3Tts.Inference.Benchmarks.Pipeline;

namespace Qwen3Tts.Cli.Benchmarks;

/// <summary>The table `qwen3-tts bench` prints: each figure, its limit and the ratio to it (below 1 = within it).</summary>
internal static class PipelineReportPrinter
{
    public static void Print(PipelineReport r, TextWriter output)
    {
        output.WriteLine($"models: {r.Models} ({r.Quant}); \"{PipelineBenchSettings.Text}\", {r.Frames} frames, --eos {r.Eos}, seed {PipelineBenchSettings.Seed}");
        output.WriteLine("  the box may be shared: compare the ratios of one run, not wall times across runs");
        output.WriteLine($"  {"stage",-22} {"cpu ms/frame",12} {"wall ms/frame",13}   {"x limit",8}   limit");
        output.WriteLine($"  {"talker prefill (once)",-22} {"",12} {r.PrefillMs,13:F1}   {"",8}   (part of time to first audio)");
        foreach (var s in r.Stages)
        {
            var limit = s.FloorMs is { } floor ? $"{floor:F1} ms {s.Limit}" + (s.TargetMs is { } t ? $"; target {t:F0} ms (x{s.WallMsPerFrame / t:F2})" : "") : s.Limit;
            var ratio = s.FloorMs is { } f ? s.WallMsPerFrame / f : s.TargetMs is { } target ? s.WallMsPerFrame / target : double.NaN;
            var cpuRatio = s.CpuTargetMs is { } c ? $"; cpu x{s.CpuMsPerFrame / c:F2}" : "";
            output.WriteLine($"  {s.Name,-22} {s.CpuMsPerFrame,12:F2} {s.WallMsPerFrame,13:F2}   {Ratio(ratio),8}   {limit}{cpuRatio}");
        }
        var single = r.InProcess.Single;
        output.WriteLine($"in-process, overlapped (one stream): {single.Frames} frames, {single.AudioMs / 1000:F2} s audio in {single.WallMs / 1000:F2} s");
        output.WriteLine($"  RTF {single.Rtf,8:F3}   {TargetRatio(single.Rtf, r.RtfTarget, "")}   {single.CpuMs / single.AudioMs:F2} CPU-s per audio second");
        output.WriteLine($"  allocated {single.LoopAllocatedBytesPerFrame:F0} bytes per frame in the frame loop (frames {StreamRun.LoopStartFrame}..{single.Loop?.Frames + StreamRun.LoopStartFrame}, "
            + $"managed, every thread of the process, {single.Loop?.Collections ?? 0} garbage collections in it; target 0), {single.SetUpAllocatedBytes / 1024:F0} KB per utterance around it (prompt, prefill, channels, flush)");
        if (r.FirstAudio is { } fa)
        {
            output.WriteLine($"  first audio {fa.MedianMs,8:F1} ms   {TargetRatio(fa.MedianMs, PipelineTargets.FirstAudioMs, " ms")}   median of {fa.Runs} requests (best {fa.BestMs:F1}); "
                + $"in the stream above {single.FirstAudioMs:F1}");
            output.WriteLine($"    one stage at a time: {fa.StagedMs:F1} ms = talker prefill {fa.PrefillMs:F1} + first frame's predictor {fa.PredictorMs:F1} + its decode {fa.VocoderMs:F1} + the rest {fa.OtherMs:F1}");
        }
        else
        {
            output.WriteLine($"  first audio {single.FirstAudioMs,8:F1} ms   {TargetRatio(single.FirstAudioMs, PipelineTargets.FirstAudioMs, " ms")}");
        }
        if (r.PrefixCache is { } p)
        {
            output.WriteLine($"  prompt prefix cache: {p.PrefixRows} of {p.PromptRows} prompt rows cached; prefill {p.PrefillWarmMs:F1} ms ({p.PrefillWarmCpuMs:F0} CPU-ms) with it, "
                + $"{p.PrefillColdMs:F1} ms ({p.PrefillColdCpuMs:F0} CPU-ms) cold, x{p.PrefillColdCpuMs / p.PrefillWarmCpuMs:F2} CPU; first audio of a voice's first request {p.FirstAudioColdMs:F1} ms");
        }
        PrintConcurrency(r.InProcess, r.Machine.Cores, output);
        var rss = r.Rss;
        output.WriteLine($"peak RSS: {rss.AfterLoadMb:F0} MB after load, {rss.PeakSingleMb:F0} MB one stream, {rss.PeakConcurrentMb:F0} MB at {rss.ConcurrentStreams} streams   "
            + $"target <= {PipelineTargets.SpeakPeakRssMb:F0} MB at q8_0 (x{rss.PeakSingleMb / PipelineTargets.SpeakPeakRssMb:F2})"
            + (rss.PeakWasReset ? "" : "   (peak could not be reset after the bandwidth probe: includes its 256 MB)"));
        if (rss.KvSequences > 1)
        {
            output.WriteLine($"  of which the talker's KV cache {rss.KvCacheMb:F0} MB for {rss.KvSequences} sequences (the concurrency runs); `speak` holds one: {rss.KvCacheMb / rss.KvSequences:F0} MB, "
                + $"so about {rss.PeakSingleMb - rss.KvCacheMb * (rss.KvSequences - 1) / rss.KvSequences:F0} MB here");
        }
        if (r.Cluster is { } cluster)
        {
            var c = cluster.Single;
            output.WriteLine($"cluster, 3 silos over loopback TCP ({PipelineBenchCluster.Layout}), one stream:");
            output.WriteLine($"  RTF {c.Rtf,8:F3}   first audio {c.FirstAudioMs:F1} ms   wall {c.WallMsPerFrame:F2} ms/frame");
            output.WriteLine($"  grain-call overhead {r.ClusterOverheadMsPerFrame,8:F2} ms/frame over in-process ({r.ClusterOverheadMsPerFrame / single.WallMsPerFrame * 100:F1} % of its frame; limit 0)");
            PrintConcurrency(cluster, r.Machine.Cores, output);
        }
    }

    private static void PrintConcurrency(SurfaceFigures surface, int cores, TextWriter output)
    {
        var one = surface.Concurrency.FirstOrDefault(c => c.Streams == 1);
        foreach (var run in surface.Concurrency)
        {
            var gain = surface.Gain(run);
            var target = run.Streams == PipelineTargets.ConcurrencyGainStreams ? $"   target >= x{PipelineTargets.ConcurrencyGain:F1} ({(gain >= PipelineTargets.ConcurrencyGain ? "met" : "not met")})" : "";
            output.WriteLine($"  {run.Streams} at once: {run.FramesPerSecond,8:F2} frames/s aggregate, x{gain:F2} one stream, {run.CpuMs / Math.Max(run.Frames, 1):F1} CPU-ms per frame, slowest first audio {run.MaxFirstAudioMs:F0} ms"
                + (run.PredictorFramesPerPass is { } perPass && run.Streams > 1 ? $", {perPass:F2} frames per predictor pass" : "")
                + (run.TalkerItemsPerDecode is { } perDecode && run.Streams > 1 ? $", {perDecode:F2} requests per talker decode" : "") + target);
            if (run.Streams == 1)
            {
                output.WriteLine($"    one stream keeps {run.CoresBusy:F2} of the {cores} cores busy");
            }
            else if (surface.GainFactors(run) is { } f && one is not null)
            {
                output.WriteLine($"    = x{f.MoreCoresBusy:F2} cores busy (at most x{cores / one.CoresBusy:F2} on {cores} cores) * x{f.LessCpuPerFrame:F2} CPU per frame (one stream's over this run's: what batching saved)");
            }
        }
    }

    private static string TargetRatio(double value, double? target, string unit) =>
        target is { } t ? $"target <= {t:0.##}{unit} (x{value / t:F2}, {(value <= t ? "met" : "not met")})" : "no target at this precision";

    private static string Ratio(double ratio) => double.IsFinite(ratio) ? $"x{ratio:F2}" : "-";
}
