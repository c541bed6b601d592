using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Qwen3Tts.Tests.Formats;
using Qwen3Tts.Tests.Pipeline;

namespace Qwen3Tts.Tests.Cli;

[Collection(CliCollection.Name)]
public sealed class BenchPipelineTests(TinyModelsFixture models) : IClassFixture<TinyModelsFixture>
{
    private const int Frames = 3;

    [Fact]
    public async Task TheWholePipelineRunsInProcessAndThroughTheClusterAndItsJsonHoldsEveryFigure()
    {
        using var dir = new TempDirectory();
        var json = dir.File("bench.json");
        var run = await CliHarness.RunAsync(["bench", "--models", models.Directory, "--frames", $"{Frames}", "--concurrency", "1,2", "--json", json]);

        Assert.True(run.ExitCode == 0, run.Error + run.Output);
        Assert.Matches(new Regex(@"^machine: .+cores.+kernels: ", RegexOptions.Multiline), run.Output);
        Assert.Matches(new Regex(@"^  predictor +[\d.]+ +[\d.]+ +x[\d.]+ +[\d.]+ ms floor ", RegexOptions.Multiline), run.Output);
        Assert.Matches(new Regex(@"^  RTF +[\d.]+ +target <= 1\.6 \(x[\d.]+, (met|not met)\)", RegexOptions.Multiline), run.Output);
        Assert.Matches(new Regex(@"^  grain-call overhead +-?[\d.]+ ms/frame", RegexOptions.Multiline), run.Output);

        var root = JsonNode.Parse(File.ReadAllText(json))!.AsObject();
        foreach (var key in new[] { "machine", "stages", "rtf", "ttfa_ms", "concurrency", "rss_mb", "cluster" })
        {
            Assert.True(root[key] is not null, $"no '{key}' in {root}");
        }
        Assert.Equal(Environment.ProcessorCount, (int)root["machine"]!["cores"]!);
        Assert.True((double)root["machine"]!["read_gbs_1_thread"]! > 0);
        foreach (var stage in new[] { "talker", "predictor", "vocoder" })
        {
            var s = root["stages"]![stage]!;
            Assert.True((double)s["cpu_ms_per_frame"]! > 0, $"{stage}: {s}");
            Assert.True((double)s["wall_ms_per_frame"]! > 0, $"{stage}: {s}");
        }
        Assert.True((double)root["stages"]!["talker"]!["floor_ms"]! > 0);
        Assert.True((double)root["stages"]!["predictor"]!["floor_ms"]! > 0);
        // The native vocoder's floor is its multiply-adds at the measured FMA peak over every core.
        Assert.True((double)root["machine"]!["fma_gflops_per_core"]! > 0);
        Assert.True((double)root["stages"]!["vocoder"]!["floor_ms"]! > 0);

        // --eos never: exactly Frames frames of 1920 samples at 24 kHz.
        Assert.Equal(Frames * 0.08, (double)root["rtf"]!["audio_s"]!, 6);
        var wallMs = (double)root["rtf"]!["wall_s"]! * 1000;
        Assert.InRange((double)root["rtf"]!["value"]!, wallMs / (Frames * 80.0) - 0.01, wallMs / (Frames * 80.0) + 0.01);
        var ttfa = (double)root["ttfa_ms"]!["value"]!;
        Assert.InRange(ttfa, double.Epsilon, wallMs + 1);
        Assert.Equal(400, (double)root["ttfa_ms"]!["target"]!);

        AssertConcurrency(root["concurrency"]!.AsArray());
        // In-process the bench sees the talker and the predictor queue: one stream is never batched, two at most in pairs.
        foreach (var key in new[] { "talker_requests_per_decode", "predictor_frames_per_pass" })
        {
            var perPass = root["concurrency"]!.AsArray().Select(c => (double)c![key]!).ToArray();
            Assert.Equal(1.0, perPass[0], 6);
            Assert.InRange(perPass[1], 1.0, 2.0);
        }
        var rss = root["rss_mb"]!;
        Assert.True((double)rss["after_load"]! > 0);
        Assert.True((double)rss["peak_single"]! >= (double)rss["after_load"]! * 0.5);
        Assert.True((double)rss["peak_concurrent"]! >= (double)rss["peak_single"]!);

        var cluster = root["cluster"]!;
        Assert.Equal(3, (int)cluster["silos"]!);
        Assert.True((double)cluster["rtf"]! > 0);
        Assert.True(cluster["overhead_ms_per_frame"] is not null);
        AssertConcurrency(cluster["concurrency"]!.AsArray());
    }

    [Fact]
    public async Task BadCountsAreUsageErrorsAndTheSubcommandsStillParseTheirOwnOptions()
    {
        var run = await CliHarness.RunAsync(["bench", "--concurrency", "1,0"]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--concurrency: '1,0' is not a comma-separated list of counts in [1, 64].", run.Error);

        run = await CliHarness.RunAsync(["bench", "--frames", "0"]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--frames must be between 1 and 8192.", run.Error);

        run = await CliHarness.RunAsync(["bench", "predictor", "--quant", "q3_k"]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("unknown weight format 'q3_k'", run.Error);
    }

    private static void AssertConcurrency(JsonArray levels)
    {
        Assert.Equal([1, 2], levels.Select(c => (int)c!["streams"]!));
        Assert.Equal([Frames, 2 * Frames], levels.Select(c => (int)c!["frames"]!));
        Assert.All(levels, c => Assert.True((double)c!["frames_per_s"]! > 0));
        Assert.Equal(1.0, (double)levels[0]!["x_one_stream"]!, 3);
        // The gain splits into more cores kept busy and less CPU per frame; busy cores are CPU time over wall time, so at most the
        // cores, up to how the kernel accounts CPU time over a run this short (3 frames, tens of ms: one CI run read 2.196 on 2
        // cores). A figure over the wrong wall time (one stream's, not the run's) would be a multiple of it.
        Assert.All(levels, c => Assert.InRange((double)c!["cores_busy"]!, 0.01, Environment.ProcessorCount * 1.25));
        var gain = (double)levels[1]!["x_one_stream"]!;
        Assert.InRange((double)levels[1]!["x_cores_busy"]! * (double)levels[1]!["x_less_cpu_per_frame"]!, gain * 0.99, gain * 1.01);
    }
}
