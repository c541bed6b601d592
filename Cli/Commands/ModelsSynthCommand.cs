using System.CommandLine;
using System.Diagnostics;
using Qwen3Tts.Inference.Synthetic;

namespace Qwen3Tts.Cli.Commands;

/// <summary>`qwen3-tts models synth --preset tiny|0.6b --out DIR`: a full model set with seeded random weights.</summary>
internal static class ModelsSynthCommand
{
    public static Command Create()
    {
        var preset = new Option<string>("--preset", "-p")
        {
            Description = "tiny (a few MB, for tests) or 0.6b (the real 0.6B dimensions, for benchmarks)",
            DefaultValueFactory = _ => "tiny",
        };
        preset.AcceptOnlyFromAmong("tiny", "0.6b");
        var output = new Option<DirectoryInfo>("--out", "-o") { Description = "Models directory to write (talker/, predictor/, vocoder/, speech_tokenizer/)", Required = true };
        var seed = new Option<int>("--seed") { Description = "Seed of the random weights", DefaultValueFactory = _ => 1234 };

        var command = new Command("synth", "Write a synthetic model set in the real file formats (random weights; no download needed)")
        {
            preset, output, seed,
        };
        command.SetAction(async (parse, ct) =>
        {
            var chosen = SyntheticPreset.Parse(parse.GetValue(preset)!);
            var dir = parse.GetValue(output)!.FullName;
            using var logging = CliLogging.Create(parse);
            var clock = Stopwatch.StartNew();
            Console.Error.WriteLine($"writing synthetic {chosen.Name} models to {dir} ...");
            await SyntheticModelKit.WriteAsync(dir, chosen, parse.GetValue(seed), logging.CreateLogger("synth"), ct);
            var bytes = new DirectoryInfo(dir).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
            Console.Error.WriteLine($"done in {clock.Elapsed.TotalSeconds:F1} s: {bytes / 1e6:F1} MB in {dir}");
            return 0;
        });
        return command;
    }
}
