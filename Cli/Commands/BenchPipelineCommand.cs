using System.CommandLine;
using Qwen3Tts.Cli.Benchmarks;
using Qwen3Tts.Inference.Benchmarks.Pipeline;
using Qwen3Tts.Inference.Sampling;

namespace Qwen3Tts.Cli.Commands;

/// <summary>
/// `qwen3-tts bench --models DIR [--quant q8_0|q4_0] [--frames N] [--concurrency 1,4] [--json FILE] [--eos never]`:
/// the whole pipeline, as the `bench` command's own action (its subcommands time one part each).
/// </summary>
internal static class BenchPipelineCommand
{
    public static void AddTo(Command bench)
    {
        var models = ModelsListCommand.ModelsDirectoryOption();
        var quant = SpeakCommand.QuantOption();
        var frames = new Option<int>("--frames") { Description = "Frames per utterance (12.5 per audio second)", DefaultValueFactory = _ => 40 };
        var concurrency = new Option<string>("--concurrency") { Description = "Concurrent utterances to time, comma-separated", DefaultValueFactory = _ => "1,4" };
        var json = new Option<string?>("--json") { Description = "Also write the figures to this JSON file (keys machine, stages, rtf, ttfa_ms, concurrency, rss_mb, cluster)" };
        var eos = SpeakCommand.EosOption();
        eos.Description = "never (the default here: exactly --frames frames, so runs compare), official or seed";
        var noCluster = new Option<bool>("--no-cluster") { Description = "Skip the 3-silo loopback cluster run" };
        var talkerEngine = TalkerEngineOption.Create();
        foreach (var option in new Option[] { models, quant, frames, concurrency, json, eos, noCluster, talkerEngine })
        {
            bench.Options.Add(option);
        }
        bench.Validators.Add(result =>
        {
            if (result.GetResult(frames) is not null && result.GetValue(frames) is < 1 or > 8192)
            {
                result.AddError("--frames must be between 1 and 8192.");
            }
            if (result.GetValue(concurrency) is { } list && !TryCounts(list, out _))
            {
                result.AddError($"--concurrency: '{list}' is not a comma-separated list of counts in [1, 64].");
            }
        });
        bench.SetAction(async (parse, cancellationToken) =>
        {
            TryCounts(parse.GetValue(concurrency)!, out var levels);
            var settings = new PipelineBenchSettings(
                ModelsListCommand.ModelsDirectory(parse.GetValue(models)),
                parse.GetValue(quant),
                parse.GetValue(frames),
                levels,
                parse.GetValue(eos) ?? EosMode.Never,
                Cluster: !parse.GetValue(noCluster),
                TalkerEngine: TalkerEngineOption.Parse(parse.GetValue(talkerEngine)));
            var output = parse.InvocationConfiguration.Output;
            var report = await PipelineBenchRunner.RunAsync(settings, output.WriteLine, cancellationToken);
            PipelineReportPrinter.Print(report, output);
            if (parse.GetValue(json) is { } path)
            {
                await File.WriteAllTextAsync(path, PipelineReportJson.Write(report), cancellationToken);
                output.WriteLine($"json: {path}");
            }
            return 0;
        });
    }

    /// <summary>A comma-separated list of counts in [1, 64] (bench's --concurrency, bench talker's --threads), duplicates dropped.</summary>
    internal static bool TryCounts(string value, out IReadOnlyList<int> counts)
    {
        var parts = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var parsed = parts.Select(p => int.TryParse(p, out var n) && n is >= 1 and <= 64 ? n : 0).ToArray();
        counts = parsed.Distinct().ToArray();
        return parsed.Length > 0 && parsed.All(n => n > 0);
    }
}
