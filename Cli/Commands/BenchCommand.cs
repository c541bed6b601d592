using System.CommandLine;
using Qwen3Tts.Inference.Benchmarks;
using Qwen3Tts.Inference.Models.Store;

namespace Qwen3Tts.Cli.Commands;

/// <summary>`qwen3-tts bench ...`: measured speed, printed with ratios and the machine it ran on.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var bench = new Command("bench", "Benchmarks (use the 0.6b synthetic set for real-size costs: qwen3-tts models synth --preset 0.6b)");
        bench.Subcommands.Add(Predictor());
        bench.Subcommands.Add(BenchStreamingCommand.Create());
        return bench;
    }

    private static Command Predictor()
    {
        var models = ModelsListCommand.ModelsDirectoryOption();
        var frames = new Option<int>("--frames") { Description = "Frames to time per engine", DefaultValueFactory = _ => 20 };
        var command = new Command("predictor", "Code predictor per frame: managed SIMD engine vs LLamaSharp on the same weights") { models, frames };
        command.SetAction(parse =>
        {
            var store = new ModelStore(new ModelStoreOptions { ModelsDirectory = ModelsListCommand.ModelsDirectory(parse.GetValue(models)) });
            var output = parse.InvocationConfiguration.Output;
            output.WriteLine($"machine: {BenchMachine.Describe()}");
            var files = store.ResolvePredictor();
            output.WriteLine($"predictor: {files.Gguf}");
            var timings = PredictorBenchmark.Run(files, parse.GetValue(frames));
            var baseline = timings[0].MedianMs;
            foreach (var t in timings)
            {
                output.WriteLine($"  {t.Engine,-52} median {t.MedianMs,8:F2} ms/frame  best {t.BestMs,8:F2}  x{baseline / t.MedianMs,5:F2} vs first  ({80 / t.MedianMs:F2}x the 80 ms real-time budget)");
            }
            return 0;
        });
        return command;
    }
}
