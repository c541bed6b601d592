using System.Text.RegularExpressions;

namespace Qwen3Tts.Tests.Cli;

[Collection(CliCollection.Name)]
public sealed class BenchStreamingTests
{
    [Fact]
    public async Task BothModesDeliverEveryChunkOfBothSizesThroughARealSiloAndClient()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var run = await CliHarness.RunAsync(["bench", "streaming", "--chunks", "3", "--runs", "1"], timeout.Token);

        Assert.True(run.ExitCode == 0, run.Error + run.Output);
        Assert.Matches(new Regex(@"^machine: .+cores", RegexOptions.Multiline), run.Output);
        foreach (var mode in new[] { "IAsyncEnumerable<byte[]>", "Orleans memory stream" })
        {
            var delivered = Regex.Matches(run.Output, $@"^  {Regex.Escape(mode)} +(\d+)/(\d+) ", RegexOptions.Multiline);
            Assert.Equal(2, delivered.Count); // one row per chunk size
            Assert.All(delivered, row => Assert.Equal(("3", "3"), (row.Groups[1].Value, row.Groups[2].Value)));
        }
    }

    [Fact]
    public async Task NonPositiveChunkCountIsAUsageError()
    {
        var run = await CliHarness.RunAsync(["bench", "streaming", "--chunks", "0"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--chunks", run.Error);
    }
}
