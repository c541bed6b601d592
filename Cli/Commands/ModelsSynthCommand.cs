using System.CommandLine;
using System.Diagnostics;
using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Synthetic;

namespace Qwen3Tts.Cli.Commands;

/// <summary>
/// `qwen3-tts models synth --preset tiny|0.6b|1.7b [--layout seed|official] [--variant base|custom-voice|voice-design] --out DIR`:
/// a full model set with seeded random weights, in the seed's layout or as an official snapshot.
/// </summary>
internal static class ModelsSynthCommand
{
    public static Command Create()
    {
        var preset = new Option<string>("--preset", "-p")
        {
            Description = "tiny (a few MB, for tests), 0.6b (the real 0.6B dimensions, for benchmarks) or 1.7b (official layout only)",
            DefaultValueFactory = _ => "tiny",
        };
        preset.AcceptOnlyFromAmong("tiny", "0.6b", "1.7b");
        var layout = new Option<string>("--layout")
        {
            Description = "seed (talker/, predictor/, vocoder/ like kautism/qwen3-tts-rk3588) or official (a Qwen/Qwen3-TTS-12Hz-* snapshot)",
            DefaultValueFactory = _ => "seed",
        };
        layout.AcceptOnlyFromAmong("seed", "official");
        var variant = new Option<string>("--variant")
        {
            Description = "Official layout: base, custom-voice or voice-design",
            DefaultValueFactory = _ => "base",
        };
        variant.AcceptOnlyFromAmong("base", "custom-voice", "voice-design");
        var output = new Option<DirectoryInfo>("--out", "-o") { Description = "Models directory to write", Required = true };
        var seed = new Option<int>("--seed") { Description = "Seed of the random weights", DefaultValueFactory = _ => 1234 };

        var command = new Command("synth", "Write a synthetic model set in the real file formats (random weights; no download needed)")
        {
            preset, layout, variant, output, seed,
        };
        command.SetAction(async (parse, ct) =>
        {
            var dir = parse.GetValue(output)!.FullName;
            var presetName = parse.GetValue(preset)!;
            var official = parse.GetValue(layout) == "official";
            using var logging = CliLogging.Create(parse);
            var clock = Stopwatch.StartNew();
            if (official)
            {
                ModelVariantNames.TryParse(parse.GetValue(variant), out var chosenVariant);
                var chosen = OfficialSyntheticPreset.Parse(presetName);
                Console.Error.WriteLine($"writing a synthetic official {chosen.Name} {chosenVariant.CliName()} snapshot to {dir} ...");
                await OfficialSyntheticKit.WriteAsync(dir, chosen, chosenVariant, parse.GetValue(seed), logging.CreateLogger("synth"), ct);
            }
            else
            {
                if (presetName == "1.7b" || parse.GetResult(variant) is { Implicit: false })
                {
                    throw new ArgumentException("--preset 1.7b and --variant need --layout official (the seed layout is the 0.6B Base model)");
                }
                var chosen = SyntheticPreset.Parse(presetName);
                Console.Error.WriteLine($"writing synthetic {chosen.Name} models to {dir} ...");
                await SyntheticModelKit.WriteAsync(dir, chosen, parse.GetValue(seed), logging.CreateLogger("synth"), ct);
            }
            var bytes = new DirectoryInfo(dir).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
            Console.Error.WriteLine($"done in {clock.Elapsed.TotalSeconds:F1} s: {bytes / 1e6:F1} MB in {dir}");
            return 0;
        });
        return command;
    }
}
