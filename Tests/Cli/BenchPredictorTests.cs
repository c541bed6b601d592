using System.Text.RegularExpressions;
using Qwen3Tts.Inference.Kernels.Linear;
using Qwen3Tts.Tests.Pipeline;

namespace Qwen3Tts.Tests.Cli;

[Collection(CliCollection.Name)]
public sealed class BenchPredictorTests(TinyModelsFixture models) : IClassFixture<TinyModelsFixture>
{
    [Fact]
    public async Task TimesEveryFormatKernelAndBatchAskedForWithTheFloorRatio()
    {
        _ = models.Models; // writes the tiny set
        var run = await CliHarness.RunAsync(["bench", "predictor", "--models", models.Directory, "--frames", "1",
            "--quant", "q8_0,q4_0,bf16", "--kernel", "all", "--threads", "1", "--batch", "1,2"]);

        Assert.True(run.ExitCode == 0, run.Error + run.Output);
        Assert.Matches(new Regex(@"^machine: .+cores.+kernels: ", RegexOptions.Multiline), run.Output);
        var rows = Regex.Matches(run.Output, @"^  managed +(\S+) +(\S+) +1 +([12]) +[\d.]+ +[\d.]+ +[\d.]+ +[\d.]+ +[\d.]+ \([\d.]+ @ [\d.]+\) +[\d.]+ +[\d.]+$", RegexOptions.Multiline);
        Assert.Equal(3 * LinearKernels.Supported().Count * 2, rows.Count);
        Assert.Contains(rows, r => r.Groups[1].Value == "q4_0" && r.Groups[2].Value == "scalar" && r.Groups[3].Value == "2");
    }

    [Fact]
    public async Task UnknownFormatOrUnsupportedKernelIsAUsageError()
    {
        var run = await CliHarness.RunAsync(["bench", "predictor", "--quant", "q3_k"]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("unknown weight format 'q3_k'", run.Error);
        var foreign = OperatingSystem.IsLinux() && System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.X64 ? "neondot" : "avx2";
        run = await CliHarness.RunAsync(["bench", "predictor", "--kernel", foreign]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("not supported on this CPU", run.Error);
    }
}
