using System.CommandLine;
using Qwen3Tts.Inference.Benchmarks;
using Qwen3Tts.Inference.Checkpoints;
using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Kernels.Linear;
using Qwen3Tts.Inference.Qwen3;
using Qwen3Tts.Inference.Models.Store;

namespace Qwen3Tts.Cli.Commands;

/// <summary>`qwen3-tts bench ...`: measured speed, printed with ratios and the machine it ran on.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var bench = new Command("bench", "The whole pipeline per stage, end to end, concurrent and through a 3-silo cluster; subcommands time one part each (use the 0.6b synthetic set for real-size costs: qwen3-tts models synth --preset 0.6b)");
        bench.Subcommands.Add(Predictor());
        bench.Subcommands.Add(BenchStreamingCommand.Create());
        bench.Subcommands.Add(BenchSpeakerCommand.Create());
        bench.Subcommands.Add(BenchEncoderCommand.Create());
        bench.Subcommands.Add(BenchVocoderCommand.Create());
        bench.Subcommands.Add(BenchTalkerCommand.Create());
        BenchPipelineCommand.AddTo(bench);
        return bench;
    }

    private static Command Predictor()
    {
        var models = ModelsListCommand.ModelsDirectoryOption();
        var frames = new Option<int>("--frames") { Description = "Frames to time per configuration", DefaultValueFactory = _ => 20 };
        var quant = new Option<string>("--quant") { Description = $"Weight formats to time, comma-separated ({WeightFormats.Names}); other than the file's are re-encoded from it", DefaultValueFactory = _ => "q8_0" };
        var kernel = new Option<string>("--kernel") { Description = "Kernel paths, comma-separated (auto, all, or: " + string.Join(", ", Enum.GetNames<LinearKernelPath>().Skip(1).Select(n => n.ToLowerInvariant())) + ")", DefaultValueFactory = _ => "auto" };
        var threads = new Option<string>("--threads") { Description = "Thread counts, comma-separated", DefaultValueFactory = _ => $"1,{Environment.ProcessorCount}" };
        var batch = new Option<string>("--batch") { Description = "Requests per batched step, comma-separated (1 = the single-request path)", DefaultValueFactory = _ => "1" };
        var llama = new Option<bool>("--llama") { Description = "Also time the same layers through LLamaSharp (llama.cpp) with managed heads" };
        var command = new Command("predictor", "Code predictor per frame: formats, kernel paths, threads and batches, with the ratio to the bandwidth floor")
        {
            models, frames, quant, kernel, threads, batch, llama,
        };
        command.Validators.Add(result =>
        {
            if (result.GetResult(frames) is not null && result.GetValue(frames) < 1)
            {
                result.AddError("--frames must be at least 1.");
            }
            foreach (var (option, parse) in new (Option<string>, Action<string>)[]
            {
                (quant, v => ParseList(v, WeightFormats.Parse)),
                (kernel, v => Kernels(v)),
                (threads, v => Counts(v, "--threads")),
                (batch, v => Counts(v, "--batch")),
            })
            {
                if (result.GetValue(option) is not { } value)
                {
                    continue;
                }
                try
                {
                    parse(value);
                }
                catch (ArgumentException e)
                {
                    result.AddError($"{option.Name}: {e.Message}");
                }
                catch (PlatformNotSupportedException e)
                {
                    result.AddError($"{option.Name}: {e.Message}");
                }
            }
        });
        command.SetAction(parse =>
        {
            var store = new ModelStore(new ModelStoreOptions { ModelsDirectory = ModelsListCommand.ModelsDirectory(parse.GetValue(models)) });
            var output = parse.InvocationConfiguration.Output;
            output.WriteLine($"machine: {BenchMachine.Describe()}");
            var formats = ParseList(parse.GetValue(quant)!, WeightFormats.Parse);
            var options = new PredictorBenchOptions(
                formats,
                Kernels(parse.GetValue(kernel)!),
                Counts(parse.GetValue(threads)!, "--threads"),
                Counts(parse.GetValue(batch)!, "--batch"),
                parse.GetValue(frames),
                Llama: parse.GetValue(llama));
            // The seed layout's GGUF is also the llama.cpp baseline's file; an official snapshot has none, which is refused before its conversion.
            var seedFiles = store.Layout == ModelSetLayout.Seed ? store.ResolvePredictor() : null;
            PredictorBenchmark.RequireLlamaFiles(options, seedFiles);
            // An official snapshot's predictor is converted at the first format asked for (the others are re-encoded from it, as from a seed GGUF).
            var precision = PredictorMatrices.PrecisionFor(formats[0]);
            var weights = ModelSetLoader.LoadPredictor(store, precision);
            output.WriteLine($"predictor: {seedFiles?.Gguf ?? $"{store.ResolveOfficial().Weights} (official snapshot, converted at {precision.CliName()})"}");
            output.WriteLine("  engine     format kernel   thr  B   median ms/frame   best   cpu ms/frame   frames/s   floor ms (GB/step @ GB/s)   x floor   x 80 ms budget");
            PredictorBenchmark.Run(weights, seedFiles, options, t => output.WriteLine(
                $"  {(t.Engine == "managed" ? "managed" : "llama.cpp"),-10} {WeightFormats.Name(t.Format),-6} {t.Kernel.ToString().ToLowerInvariant(),-8} {t.Threads,3} {t.Batch,2}   {t.MedianMs,9:F2}   {t.BestMs,12:F2} {t.CpuMs,9:F1}   {1000 / t.MedianMs,11:F1}   {t.FloorMs,8:F2} ({t.BytesPerStep / 1e9:F2} @ {t.BandwidthGBs:F1})   {t.FloorRatio,10:F2}   {80 / t.MedianMs,8:F2}"));
            output.WriteLine("  floor: the weights a frame streams (stack x15 + heads, shared by a batch) over the read bandwidth measured on as many threads; the stack may partly stay in cache, so ratios below 1 are possible.");
            return 0;
        });
        return command;
    }

    internal static IReadOnlyList<T> ParseList<T>(string value, Func<string, T> parse) =>
        value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(parse).Distinct().ToArray() is { Length: > 0 } list
            ? list
            : throw new ArgumentException("needs at least one value.");

    private static IReadOnlyList<LinearKernelPath> Kernels(string value)
    {
        if (value.Trim().Equals("all", StringComparison.OrdinalIgnoreCase))
        {
            return LinearKernels.Supported();
        }
        var paths = ParseList(value, LinearKernels.Parse);
        foreach (var path in paths)
        {
            if (!LinearKernels.IsSupported(path))
            {
                throw new PlatformNotSupportedException($"kernel path {path.ToString().ToLowerInvariant()} is not supported on this CPU (supported: {string.Join(", ", LinearKernels.Supported()).ToLowerInvariant()}).");
            }
        }
        return paths;
    }

    internal static IReadOnlyList<int> Counts(string value, string name) =>
        ParseList(value, v => int.TryParse(v, out var n) && n >= 1 && n <= 256 ? n : throw new ArgumentException($"'{v}' is not a count in [1, 256]."));
}
