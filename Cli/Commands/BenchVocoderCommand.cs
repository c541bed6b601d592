using System.CommandLine;
using System.Globalization;
using Qwen3Tts.Inference.Benchmarks;
using Qwen3Tts.Inference.Codec.Decoder;
using Qwen3Tts.Inference.Models.Store;
using Qwen3Tts.Inference.Vocoder;

namespace Qwen3Tts.Cli.Commands;

/// <summary>
/// `qwen3-tts bench vocoder`: the exact decoder's CPU-ms and wall-ms per frame at each thread count and chunk,
/// next to the seed's ONNX window, with the ratio to the measured FMA peak, then the audio encoder's line.
/// </summary>
internal static class BenchVocoderCommand
{
    /// <summary>Issue 12's vocoder targets on 2 cores.</summary>
    private const double TargetCpuMs = 60;
    private const double TargetWallMs = 30;

    public static Command Create()
    {
        var models = ModelsListCommand.ModelsDirectoryOption();
        var frames = new Option<int>("--frames") { Description = "Frames streamed per native configuration", DefaultValueFactory = _ => 48 };
        var chunks = new Option<string>("--chunks") { Description = "Native frames per decode call, comma-separated", DefaultValueFactory = _ => $"1,{VocoderOptions.DefaultNativeChunkFrames},8" };
        var threads = new Option<string>("--threads") { Description = "Thread counts, comma-separated", DefaultValueFactory = _ => $"1,{Environment.ProcessorCount}" };
        var repeats = new Option<int>("--repeats") { Description = "Timed runs per configuration (the median is shown)", DefaultValueFactory = _ => 3 };
        var context = new Option<int>("--context") { Description = "ONNX: frames of left context re-decoded per window (as --vocoder onnx streams)", DefaultValueFactory = _ => new VocoderOptions().ContextFrames };
        var layers = new Option<int?>("--layers") { Description = "Also print where the time goes, stage by stage, at this chunk size (each thread count, same run)" };
        var encoderSeconds = new Option<double>("--encoder-seconds") { Description = "Audio encoder clip length; 0 skips the encoder line", DefaultValueFactory = _ => 4 };
        var command = new Command("vocoder", "Vocoder per frame: the exact decoder (threads x chunk) next to the seed's ONNX window, the FMA-peak ratio, and the audio encoder")
        {
            models, frames, chunks, threads, repeats, context, encoderSeconds, layers,
        };
        command.Validators.Add(result =>
        {
            foreach (var (option, name) in new[] { (frames, "--frames"), (repeats, "--repeats") })
            {
                if (result.GetResult(option) is not null && result.GetValue(option) < 1)
                {
                    result.AddError($"{name} must be at least 1.");
                }
            }
            if (result.GetResult(context) is not null && result.GetValue(context) < 0)
            {
                result.AddError("--context must be 0 or more.");
            }
            if (result.GetResult(layers) is not null && result.GetValue(layers) is < 1 or > 1024)
            {
                result.AddError("--layers must be a chunk size in 1..1024.");
            }
            if (result.GetResult(encoderSeconds) is not null && result.GetValue(encoderSeconds) is < 0 or > 60)
            {
                result.AddError("--encoder-seconds must be in 0..60.");
            }
            foreach (var option in new[] { chunks, threads })
            {
                if (result.GetValue(option) is not { } value)
                {
                    continue;
                }
                try
                {
                    BenchCommand.Counts(value, option.Name);
                }
                catch (ArgumentException e)
                {
                    result.AddError($"{option.Name}: {e.Message}");
                }
            }
        });
        command.SetAction(parse =>
        {
            var store = new ModelStore(new ModelStoreOptions { ModelsDirectory = ModelsListCommand.ModelsDirectory(parse.GetValue(models)) });
            var output = parse.InvocationConfiguration.Output;
            var threadCounts = BenchCommand.Counts(parse.GetValue(threads)!, "--threads");
            var tokenizer = store.ResolveSpeechTokenizer().Safetensors;

            output.WriteLine($"machine: {BenchMachine.Describe()}");
            var peak = FmaPeak.PerCore(TimeSpan.FromSeconds(0.5));
            output.WriteLine(Invariant($"fma peak: {peak:F1} GFLOP per CPU-second of one core (measured: 12 independent {FmaPeak.VectorName} FMA chains)"));
            using (var probe = SpeechTokenizerDecoder.Load(tokenizer, new DecoderOptions { Threads = 1 }))
            {
                output.WriteLine(Invariant($"native decoder: {tokenizer}: {probe.MultiplyAddsPerFrame * 2 / 1e9:F2} GFLOP per frame, {probe.KernelPath} kernels; {parse.GetValue(frames)} frames streamed per row, median of {parse.GetValue(repeats)}"));
            }
            output.WriteLine(Invariant($"  engine  thr chunk   wall ms/frame   cpu ms/frame   GFLOP/s per core   x fma peak   vs {TargetCpuMs:F0} cpu-ms / {TargetWallMs:F0} wall-ms"));
            var native = VocoderBenchmark.RunNative(tokenizer, threadCounts, BenchCommand.Counts(parse.GetValue(chunks)!, "--chunks"),
                parse.GetValue(frames), parse.GetValue(repeats), t => output.WriteLine(Row(t, peak)));

            if (parse.GetValue(layers) is { } layerChunk)
            {
                PrintStages(output, VocoderBenchmark.RunStages(tokenizer, threadCounts, layerChunk, parse.GetValue(frames), parse.GetValue(repeats)));
            }

            IReadOnlyList<VocoderTiming> onnx = [];
            if (OnnxModel(store) is { } onnxPath)
            {
                onnx = VocoderBenchmark.RunOnnx(onnxPath, threadCounts, parse.GetValue(context), parse.GetValue(repeats), out var window, t => output.WriteLine(Row(t, peak)));
                output.WriteLine(Invariant($"  onnx: {onnxPath}: one {window}-frame window per call, {parse.GetValue(context)} of them re-decoded context, so each call emits {onnx[0].ChunkFrames} frames (the ms above are per emitted frame)"));
            }
            else
            {
                output.WriteLine("  onnx: no vocoder/vocoder.onnx in the models directory (only the seed's layout and `models synth` sets have one)");
            }
            foreach (var t in onnx)
            {
                var best = native.Where(n => n.Threads == t.Threads).MinBy(n => n.CpuMsPerFrame)!;
                output.WriteLine(Invariant($"  native (chunk {best.ChunkFrames}) vs onnx at {t.Threads} thread{(t.Threads == 1 ? "" : "s")}: x{t.CpuMsPerFrame / best.CpuMsPerFrame:F2} less CPU, x{t.WallMsPerFrame / best.WallMsPerFrame:F2} less wall per frame"));
            }

            if (parse.GetValue(encoderSeconds) > 0)
            {
                var encoder = EncoderBenchmark.Run(tokenizer, parse.GetValue(encoderSeconds), threadCounts, parse.GetValue(repeats));
                foreach (var t in encoder)
                {
                    output.WriteLine(BenchEncoderCommand.Line(t, encoder[0]));
                }
            }
            return 0;
        });
        return command;
    }

    private static string Row(VocoderTiming t, double peakPerCore)
    {
        var compute = t.FlopsPerFrame > 0
            ? Invariant($"{t.GigaFlopsPerCpuSecond,16:F1}   {t.GigaFlopsPerCpuSecond / peakPerCore,10:F2}")
            : $"{"-",16}   {"-",10}";
        var verdict = t.CpuMsPerFrame <= TargetCpuMs && t.WallMsPerFrame <= TargetWallMs ? "meets both"
            : t.CpuMsPerFrame <= TargetCpuMs ? "meets cpu" : t.WallMsPerFrame <= TargetWallMs ? "meets wall" : "misses";
        return Invariant($"  {t.Engine,-6} {t.Threads,4} {t.ChunkFrames,5}   {t.WallMsPerFrame,13:F2}   {t.CpuMsPerFrame,12:F2}   {compute}   {verdict}");
    }

    /// <summary>
    /// One line per stage: wall and CPU ms per frame at each thread count, CPU/wall (the threads a stage kept busy) and
    /// the wall speed-up of the last thread count over the first.
    /// </summary>
    private static void PrintStages(TextWriter output, IReadOnlyList<VocoderStageTiming> breakdowns)
    {
        var first = breakdowns[0];
        var last = breakdowns[^1];
        output.WriteLine(Invariant($"  stages at chunk {first.ChunkFrames} (ms per frame; busy = cpu / wall; speed-up = wall at {first.Threads} thr / wall at {last.Threads} thr):"));
        var header = string.Concat(breakdowns.Select(b => Invariant($"   {b.Threads} thr wall    cpu  busy")));
        output.WriteLine($"    {"stage",-38}{header}   speed-up");
        for (var s = 0; s <= first.Stages.Count; s++)
        {
            var total = s == first.Stages.Count;
            double Wall(VocoderStageTiming b) => total ? b.WallMsPerFrame.Sum() : b.WallMsPerFrame[s];
            double Cpu(VocoderStageTiming b) => total ? b.CpuMsPerFrame.Sum() : b.CpuMsPerFrame[s];
            var cells = string.Concat(breakdowns.Select(b => Invariant($"   {Wall(b),8:F2} {Cpu(b),6:F2} {Cpu(b) / Math.Max(Wall(b), 1e-9),5:F2}")));
            output.WriteLine(Invariant($"    {(total ? "total" : first.Stages[s]),-38}{cells}   x{Wall(first) / Math.Max(Wall(last), 1e-9):F2}"));
        }
    }

    /// <summary>The seed's vocoder.onnx if the set has one (the native engine never needs it).</summary>
    private static string? OnnxModel(ModelStore store)
    {
        try
        {
            return store.ResolveVocoder(VocoderEngine.Onnx).Path;
        }
        catch (ModelFilesMissingException)
        {
            return null;
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
