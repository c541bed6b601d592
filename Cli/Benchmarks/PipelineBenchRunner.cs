using Microsoft.Extensions.Logging.Abstractions;
using Qwen3Tts.Cli.Speech;
using Qwen3Tts.Inference.Benchmarks;
using Qwen3Tts.Inference.Benchmarks.Pipeline;
using Qwen3Tts.Inference.Checkpoints;
using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Models.Store;
using Qwen3Tts.Inference.Pipeline;
using Qwen3Tts.Inference.Sampling;
using Qwen3Tts.Inference.Talker;
using Qwen3Tts.Inference.Vocoder;

namespace Qwen3Tts.Cli.Benchmarks;

/// <summary>
/// `qwen3-tts bench`: the machine, each stage alone, the overlapped pipeline in this process (one stream and
/// each concurrency), then the same through a 3-silo loopback cluster. Each part reports as it finishes.
/// </summary>
internal static class PipelineBenchRunner
{
    /// <summary>The precision of the seed layout's published talker and predictor GGUFs.</summary>
    private const WeightPrecision SeedLayoutPrecision = WeightPrecision.Q8_0;

    public static async Task<PipelineReport> RunAsync(PipelineBenchSettings settings, Action<string> progress, CancellationToken cancellationToken)
    {
        var machine = MeasureMachine();
        progress($"machine: {machine.Description}");
        progress($"read bandwidth: {machine.ReadGBs1:F1} GB/s on 1 thread, {machine.ReadGBsN:F1} GB/s on {machine.Cores}; fma peak {machine.FmaGflopsPerCore:F1} GFLOP per CPU-second of one core; load average {machine.LoadAverage}");

        var reset = ProcessMemory.ResetPeak();
        var store = new ModelStore(new ModelStoreOptions { ModelsDirectory = settings.ModelsDirectory });
        var models = LocalTtsModels.Load(store, new TalkerOptions { Quant = settings.Quant, Engine = settings.TalkerEngine }, logger: NullLogger.Instance, cancellationToken: cancellationToken);
        if (store.Layout == ModelSetLayout.Seed && settings.Quant != SeedLayoutPrecision)
        {
            // The seed layout ships its GGUFs in one precision; --quant converts official snapshots only. Label what ran.
            progress($"--quant {settings.Quant.CliName()}: the seed layout runs its published {SeedLayoutPrecision.CliName()} files (--quant converts official snapshots)");
            settings = settings with { Quant = SeedLayoutPrecision };
        }
        var afterLoad = ProcessMemory.RssMb();
        var request = Request(settings, settings.Frames);
        StageTimings stages;
        List<StageFigures> figures;
        SurfaceFigures inProcess;
        double peakSingle, peakConcurrent;
        PrefixCacheFigures prefixCache;
        FirstAudioFigures firstAudio;
        await using (var embedded = new EmbeddedSpeechBackend(models, settings.ModelsDirectory))
        {
            // Warm-up at full length, not counted: the JIT's tier-1 code (a short one left tier-0 code in the
            // first timed run: on the tiny set the cluster, timed later, came out 15x faster per frame), llama.cpp's
            // first graphs, the decoder's buffers.
            await StagedSynthesis.RunAsync(models, request, cancellationToken).ConfigureAwait(false);
            await StreamRun.MeasureAsync(embedded.StreamAsync, request, cancellationToken).ConfigureAwait(false);

            stages = await StagedSynthesis.RunAsync(models, request, cancellationToken).ConfigureAwait(false);
            progress($"stages: {stages.Frames} frames, one stage at a time");
            ProcessMemory.SettleHeap();
            var single = await StreamRun.MeasureAsync(embedded.StreamAsync, request, cancellationToken).ConfigureAwait(false);
            peakSingle = ProcessMemory.PeakRssMb();
            firstAudio = await FirstAudioRuns.MeasureAsync(models, embedded.StreamAsync, request, cancellationToken).ConfigureAwait(false);
            prefixCache = await PrefixCacheRuns.MeasureAsync(models.Talker, embedded.StreamAsync, request, cancellationToken).ConfigureAwait(false);
            var concurrent = await ConcurrencyAsync(embedded.StreamAsync, request, settings.Concurrency, cancellationToken, models.PredictorQueue, models.Talker.Model).ConfigureAwait(false);
            peakConcurrent = ProcessMemory.PeakRssMb();
            inProcess = new SurfaceFigures(single, concurrent);
            // After the memory figures: beside the managed stack this loads llama.cpp's for the comparison.
            var bareDecode = await BareDecodeAsync(models, stages.Frames - 1, machine.Cores, cancellationToken).ConfigureAwait(false);
            figures = StageFigures(stages, bareDecode, models, machine, settings.Quant);
            progress($"in-process: {single.Frames} frames streamed, then {string.Join(", ", settings.Concurrency)} at once");
        }

        SurfaceFigures? cluster = null;
        if (settings.Cluster)
        {
            await using var silos = await PipelineBenchCluster.StartAsync(settings.ModelsDirectory, settings.Quant, settings.TalkerEngine, cancellationToken).ConfigureAwait(false);
            var backend = new ClusterSpeechBackend(silos.Client, "bench");
            await StreamRun.MeasureAsync(backend.StreamAsync, request, cancellationToken).ConfigureAwait(false);
            ProcessMemory.SettleHeap();
            var single = await StreamRun.MeasureAsync(backend.StreamAsync, request, cancellationToken).ConfigureAwait(false);
            cluster = new SurfaceFigures(single, await ConcurrencyAsync(backend.StreamAsync, request, settings.Concurrency, cancellationToken).ConfigureAwait(false));
            progress($"cluster: 3 silos ({PipelineBenchCluster.Layout}) over loopback TCP");
        }

        return new PipelineReport(machine, settings.ModelsDirectory, settings.Quant.CliName(), stages.Frames, settings.Eos.ToString().ToLowerInvariant(),
            stages.Prefill.WallMs, figures, inProcess, PipelineTargets.Rtf(settings.Quant),
            new RssFigures(afterLoad, peakSingle, peakConcurrent, settings.Concurrency.Max(), reset,
                models.Talker.Model.KvCacheBytes / 1048576.0, models.Talker.Model.Options.MaxSequences), cluster, prefixCache, firstAudio);
    }

    private static MachineFigures MeasureMachine()
    {
        var cores = Environment.ProcessorCount;
        var bandwidth = ReadBandwidth.MeasureEach([1, cores]);
        return new MachineFigures(BenchMachine.Describe(), cores, Inference.Kernels.Linear.LinearKernels.DescribeDefault(),
            bandwidth[1], bandwidth[cores], LoadAverage(), FmaPeak.PerCore(TimeSpan.FromMilliseconds(500)));
    }

    /// <summary>What a bare-decode run is set beside: the talker step (its own managed stack), the floor (every core), or the step's target (llama.cpp's decode).</summary>
    private enum BareDecodeRole
    {
        StepOverhead,
        AllCores,
        Llama,
    }

    private sealed record BareDecodeRun(string Stack, int Threads, StageClock Clock, BareDecodeRole Role);

    /// <summary>
    /// The talker's stack alone on its file, for as many steps as the staged run took, after a prompt as long as a short
    /// request's (what a step costs without our queue, embeddings and codec head): on the step threads, and on every core when
    /// that is more (what a talker with the cores to itself would take). When the stack is the managed one, llama.cpp's decode
    /// of the same file too, on its step threads: the talker step's target is set against it.
    /// </summary>
    private static async Task<IReadOnlyList<BareDecodeRun>> BareDecodeAsync(LocalTtsModels models, int steps, int cores, CancellationToken cancellationToken)
    {
        const int promptRows = 24;
        var model = models.Talker.Model;
        var runs = new List<BareDecodeRun>();
        await using (var session = await model.OpenSessionAsync(cancellationToken).ConfigureAwait(false))
        {
            foreach (var threads in new[] { model.StepThreads, cores }.Distinct())
            {
                var clock = new StageClock();
                await model.TimeRawDecodesAsync(session, promptRows, Math.Max(steps, 1), threads, clock, cancellationToken).ConfigureAwait(false);
                var role = threads != model.StepThreads ? BareDecodeRole.AllCores
                    : model.Options.Engine == TalkerBackend.Llama ? BareDecodeRole.Llama
                    : BareDecodeRole.StepOverhead;
                runs.Add(new BareDecodeRun(model.StackName, threads, clock, role));
            }
        }
        if (model.Options.Engine != TalkerBackend.Llama)
        {
            var options = new TalkerOptions { Engine = TalkerBackend.Llama, MaxSequences = 1, ContextPerSequence = Math.Max(256, promptRows + steps + 8), PrefixCacheMegabytes = 0 };
            using var llama = TalkerModel.Load(model.RuntimeGgufPath, options, NullLogger.Instance);
            await using var session = await llama.OpenSessionAsync(cancellationToken).ConfigureAwait(false);
            var clock = new StageClock();
            await llama.TimeRawDecodesAsync(session, promptRows, Math.Max(steps, 1), 0, clock, cancellationToken).ConfigureAwait(false);
            runs.Add(new BareDecodeRun(llama.StackName, llama.StepThreads, clock, BareDecodeRole.Llama));
        }
        return runs;
    }

    /// <summary>The talker and the predictor against their bandwidth floors (weights streamed per frame over the all-thread bandwidth), the vocoder against its targets.</summary>
    private static List<StageFigures> StageFigures(StageTimings t, IReadOnlyList<BareDecodeRun> bareDecode, LocalTtsModels models, MachineFigures machine, WeightPrecision quant)
    {
        var bytesPerSecond = machine.ReadGBsN * 1e9;
        var talkerBytes = models.Talker.Model.WeightBytes;
        var predictorBytes = PredictorBenchmark.BytesPerStep(models.Predictor);
        return
        [
            Inference.Benchmarks.Pipeline.StageFigures.Of("talker", t.Talker, t.Frames - 1, talkerBytes / bytesPerSecond * 1e3, null,
                $"floor {talkerBytes / 1e9:F3} GB @ {machine.ReadGBsN:F1} GB/s ({models.Talker.Model.StackName})"),
            .. bareDecode.Select(run => BareDecodeFigures(t, run, talkerBytes / bytesPerSecond * 1e3)),
            Inference.Benchmarks.Pipeline.StageFigures.Of("predictor", t.Predictor, t.Frames, predictorBytes / bytesPerSecond * 1e3, PipelineTargets.PredictorMsPerFrame(quant),
                $"floor {predictorBytes / 1e9:F3} GB @ {machine.ReadGBsN:F1} GB/s"),
            VocoderFigures(t, models, machine),
        ];
    }

    /// <summary>
    /// The native decoder against its compute floor (its multiply-adds per frame at the measured FMA peak, spread over every
    /// core) and its targets; the ONNX window, whose work is not counted, against its targets only.
    /// </summary>
    private static StageFigures VocoderFigures(StageTimings t, LocalTtsModels models, MachineFigures machine)
    {
        var targets = $"target {PipelineTargets.VocoderCpuMsPerFrame:F0} cpu-ms, {PipelineTargets.VocoderWallMsPerFrame:F0} wall-ms";
        if (models.Vocoder is not NativeVocoder native || machine.FmaGflopsPerCore <= 0)
        {
            return Inference.Benchmarks.Pipeline.StageFigures.Of("vocoder", t.Vocoder, t.Frames, null, PipelineTargets.VocoderWallMsPerFrame, targets, PipelineTargets.VocoderCpuMsPerFrame);
        }
        var gflop = native.Decoder.MultiplyAddsPerFrame * 2 / 1e9;
        var cpuFloorMs = gflop / machine.FmaGflopsPerCore * 1e3;
        return Inference.Benchmarks.Pipeline.StageFigures.Of("vocoder", t.Vocoder, t.Frames, cpuFloorMs / machine.Cores, PipelineTargets.VocoderWallMsPerFrame,
            $"floor {gflop:F2} GFLOP @ {machine.FmaGflopsPerCore:F1} GFLOP/s per core x {machine.Cores} ({cpuFloorMs:F1} cpu-ms at the FMA peak); target {PipelineTargets.VocoderCpuMsPerFrame:F0} cpu-ms",
            PipelineTargets.VocoderCpuMsPerFrame);
    }

    /// <summary>
    /// A run on the step threads against the talker step (its overhead, or the target against llama.cpp: the step within
    /// <see cref="PipelineTargets.TalkerOverLlamaDecode"/> of llama.cpp's decode); a run on more threads against the talker's floor.
    /// </summary>
    private static StageFigures BareDecodeFigures(StageTimings t, BareDecodeRun run, double floorMs)
    {
        var steps = Math.Max(run.Clock.Calls, 1);
        var bareMs = run.Clock.WallMs / steps;
        var name = $"{run.Stack} decode, {run.Threads} thr";
        if (run.Role == BareDecodeRole.AllCores)
        {
            return Inference.Benchmarks.Pipeline.StageFigures.Of(name, run.Clock, steps, floorMs, null, "the talker's floor (a talker with every core to itself)");
        }
        var ratio = t.Talker.WallMs / Math.Max(t.Frames - 1, 1) / bareMs;
        var note = run.Role == BareDecodeRole.Llama
            ? $"the talker step is x{ratio:F2} of it (limit x{PipelineTargets.TalkerOverLlamaDecode:F2}, {(ratio <= PipelineTargets.TalkerOverLlamaDecode ? "met" : "not met")})"
            : $"the talker step is x{ratio:F2} of its bare stack (queue, embeddings, codec head)";
        return Inference.Benchmarks.Pipeline.StageFigures.Of(name, run.Clock, steps, null, null, note);
    }

    private static async Task<IReadOnlyList<ConcurrencyRun>> ConcurrencyAsync(SpeechSource speak, SynthesisRequest request, IReadOnlyList<int> levels, CancellationToken cancellationToken,
        Inference.Predictor.CodePredictorQueue? predictor = null, TalkerModel? talker = null)
    {
        var runs = new List<ConcurrencyRun>();
        foreach (var streams in levels)
        {
            runs.Add(await ConcurrencyRun.MeasureAsync(speak, request, streams, cancellationToken, predictor, talker).ConfigureAwait(false));
        }
        return runs;
    }

    private static SynthesisRequest Request(PipelineBenchSettings settings, int frames) =>
        new(PipelineBenchSettings.Text, Seed: PipelineBenchSettings.Seed)
        {
            EosMode = settings.Eos,
            Eos = new EosOptions(MaxFrames: frames),
        };

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "unknown";
        }
    }
}
