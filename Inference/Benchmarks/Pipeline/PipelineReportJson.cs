using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Qwen3Tts.Inference.Benchmarks.Pipeline;

/// <summary>
/// The JSON `qwen3-tts bench --json FILE` writes: top-level keys machine, stages, rtf, ttfa_ms, concurrency,
/// rss_mb, cluster (null when the cluster was not run). A figure that could not be measured is null.
/// </summary>
public static class PipelineReportJson
{
    public static string Write(PipelineReport report)
    {
        var m = report.Machine;
        var root = new JsonObject
        {
            ["machine"] = new JsonObject
            {
                ["description"] = m.Description,
                ["cores"] = m.Cores,
                ["kernels"] = m.Kernels,
                ["read_gbs_1_thread"] = Num(m.ReadGBs1),
                ["read_gbs_all_threads"] = Num(m.ReadGBsN),
                ["load_average"] = m.LoadAverage,
                ["fma_gflops_per_core"] = Num(m.FmaGflopsPerCore > 0 ? m.FmaGflopsPerCore : null),
            },
            ["models"] = report.Models,
            ["quant"] = report.Quant,
            ["frames"] = report.Frames,
            ["eos"] = report.Eos,
            ["stages"] = Stages(report),
            ["rtf"] = new JsonObject
            {
                ["value"] = Num(report.InProcess.Single.Rtf),
                ["target"] = Num(report.RtfTarget),
                ["audio_s"] = Num(report.InProcess.Single.AudioMs / 1000),
                ["wall_s"] = Num(report.InProcess.Single.WallMs / 1000),
                ["cpu_s_per_audio_s"] = Num(report.InProcess.Single.CpuMs / report.InProcess.Single.AudioMs),
                ["allocated_bytes_per_frame"] = Num(report.InProcess.Single.LoopAllocatedBytesPerFrame),
                ["allocated_bytes_per_utterance"] = Num(report.InProcess.Single.SetUpAllocatedBytes),
                ["loop_collections"] = report.InProcess.Single.Loop?.Collections,
            },
            ["ttfa_ms"] = new JsonObject
            {
                ["value"] = Num(report.FirstAudio?.MedianMs ?? report.InProcess.Single.FirstAudioMs),
                ["target"] = PipelineTargets.FirstAudioMs,
                ["cold_prefix"] = Num(report.PrefixCache?.FirstAudioColdMs),
                ["stream"] = Num(report.InProcess.Single.FirstAudioMs),
                ["best"] = Num(report.FirstAudio?.BestMs),
                ["runs"] = report.FirstAudio?.Runs,
                ["staged"] = report.FirstAudio is { } fa ? new JsonObject
                {
                    ["total"] = Num(fa.StagedMs),
                    ["prefill"] = Num(fa.PrefillMs),
                    ["predictor"] = Num(fa.PredictorMs),
                    ["vocoder"] = Num(fa.VocoderMs),
                    ["other"] = Num(fa.OtherMs),
                } : null,
            },
            ["prefix_cache"] = report.PrefixCache is { } p ? new JsonObject
            {
                ["prefix_rows"] = p.PrefixRows,
                ["prompt_rows"] = p.PromptRows,
                ["prefill_cold_ms"] = Num(p.PrefillColdMs),
                ["prefill_warm_ms"] = Num(p.PrefillWarmMs),
                ["prefill_cold_cpu_ms"] = Num(p.PrefillColdCpuMs),
                ["prefill_warm_cpu_ms"] = Num(p.PrefillWarmCpuMs),
                ["first_audio_cold_ms"] = Num(p.FirstAudioColdMs),
            } : null,
            ["concurrency"] = Concurrency(report.InProcess),
            ["rss_mb"] = new JsonObject
            {
                ["after_load"] = Num(report.Rss.AfterLoadMb),
                ["peak_single"] = Num(report.Rss.PeakSingleMb),
                ["peak_concurrent"] = Num(report.Rss.PeakConcurrentMb),
                ["concurrent_streams"] = report.Rss.ConcurrentStreams,
                ["target_speak"] = PipelineTargets.SpeakPeakRssMb,
                ["peak_reset_after_probe"] = report.Rss.PeakWasReset,
                ["talker_kv_cache"] = Num(report.Rss.KvCacheMb),
                ["talker_kv_sequences"] = report.Rss.KvSequences,
            },
            ["cluster"] = report.Cluster is { } cluster ? new JsonObject
            {
                ["silos"] = 3,
                ["rtf"] = Num(cluster.Single.Rtf),
                ["ttfa_ms"] = Num(cluster.Single.FirstAudioMs),
                ["wall_ms_per_frame"] = Num(cluster.Single.WallMsPerFrame),
                ["overhead_ms_per_frame"] = Num(report.ClusterOverheadMsPerFrame),
                ["concurrency"] = Concurrency(cluster),
            } : null,
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private static JsonObject Stages(PipelineReport report)
    {
        var stages = new JsonObject
        {
            ["talker_prefill_ms"] = Num(report.PrefillMs),
        };
        foreach (var s in report.Stages)
        {
            stages[s.Name] = new JsonObject
            {
                ["cpu_ms_per_frame"] = Num(s.CpuMsPerFrame),
                ["wall_ms_per_frame"] = Num(s.WallMsPerFrame),
                ["floor_ms"] = Num(s.FloorMs),
                ["x_floor"] = Num(s.FloorMs is { } f ? s.WallMsPerFrame / f : null),
                ["target_ms"] = Num(s.TargetMs),
                ["cpu_target_ms"] = Num(s.CpuTargetMs),
                ["limit"] = s.Limit,
            };
        }
        return stages;
    }

    private static JsonArray Concurrency(SurfaceFigures surface) =>
        [.. surface.Concurrency.Select(c => (JsonNode)new JsonObject
        {
            ["streams"] = c.Streams,
            ["frames"] = c.Frames,
            ["frames_per_s"] = Num(c.FramesPerSecond),
            ["x_one_stream"] = Num(surface.Gain(c)),
            ["cpu_ms_per_frame"] = Num(c.Frames > 0 ? c.CpuMs / c.Frames : null),
            ["max_first_audio_ms"] = Num(c.MaxFirstAudioMs),
            ["predictor_frames_per_pass"] = Num(c.PredictorFramesPerPass),
            ["talker_requests_per_decode"] = Num(c.TalkerItemsPerDecode),
            ["cores_busy"] = Num(c.CoresBusy),
            ["x_cores_busy"] = Num(surface.GainFactors(c)?.MoreCoresBusy),
            ["x_less_cpu_per_frame"] = Num(surface.GainFactors(c)?.LessCpuPerFrame),
        })];

    /// <summary>JSON has no NaN or infinity: an unmeasurable figure is null.</summary>
    /// <summary>Three decimals, or six significant digits for a figure under 1 (a tiny model's floor is a fraction of a microsecond).</summary>
    private static JsonNode? Num(double? value) =>
        value is { } v && double.IsFinite(v)
            ? JsonValue.Create(Math.Abs(v) >= 1 || v == 0 ? Math.Round(v, 3) : double.Parse(v.ToString("G6", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture))
            : null;
}
