using System.CommandLine;
using System.Globalization;
using Qwen3Tts.Inference.Benchmarks;
using Qwen3Tts.Inference.Models.Store;

namespace Qwen3Tts.Cli.Commands;

/// <summary>`qwen3-tts bench encoder`: the audio encoder's seconds per second of audio, one thread and all of them.</summary>
internal static class BenchEncoderCommand
{
    /// <summary>Issue 10's target: 4 s of audio encoded in under 2 s on 2 cores.</summary>
    private const double TargetWallPerAudioSecond = 0.5;

    public static Command Create()
    {
        var models = ModelsListCommand.ModelsDirectoryOption();
        var seconds = new Option<double>("--seconds") { Description = "Length of the synthetic clip", DefaultValueFactory = _ => 4 };
        var repeats = new Option<int>("--repeats") { Description = "Timed encodes per thread count (the median is shown)", DefaultValueFactory = _ => 3 };
        var command = new Command("encoder", "Audio encoder (voice cloning): seconds per second of audio on the speech tokenizer") { models, seconds, repeats };
        command.SetAction(parse =>
        {
            var store = new ModelStore(new ModelStoreOptions { ModelsDirectory = ModelsListCommand.ModelsDirectory(parse.GetValue(models)) });
            var output = parse.InvocationConfiguration.Output;
            var path = store.ResolveSpeechTokenizer().Safetensors;
            output.WriteLine($"machine: {BenchMachine.Describe()}");
            output.WriteLine($"speech tokenizer: {path}");
            var threads = new[] { 1, Environment.ProcessorCount }.Distinct();
            var timings = EncoderBenchmark.Run(path, parse.GetValue(seconds), threads, parse.GetValue(repeats));
            foreach (var t in timings)
            {
                output.WriteLine(Line(t, timings[0]));
            }
            return 0;
        });
        return command;
    }

    /// <summary>One timing's line (also printed by <c>bench vocoder</c>); <paramref name="single"/> is the first thread count's.</summary>
    internal static string Line(EncoderTiming t, EncoderTiming single) => string.Create(CultureInfo.InvariantCulture,
        $"  encoder {t.Threads} thread{(t.Threads == 1 ? " " : "s")}: {t.MedianWallSeconds:F3} s wall for {t.AudioSeconds:F1} s of audio = {t.WallPerAudioSecond:F3} s per audio second " +
        $"(CPU {t.CpuPerAudioSecond:F3} s/s, {t.GigaFlopsPerSecond:F1} GFLOP/s, x{single.MedianWallSeconds / t.MedianWallSeconds:F2} vs 1 thread, " +
        $"{TargetWallPerAudioSecond / t.WallPerAudioSecond:F2}x the 0.5 s/s target)");
}
