using System.Text.RegularExpressions;
using Qwen3Tts.Tests.Formats;

namespace Qwen3Tts.Tests.Cli;

[Collection(CliCollection.Name)]
public sealed class BenchSpeakerTests
{
    [Fact]
    public async Task ItTimesTheFrontEndAndTheNetworkAtThePublishedWidths()
    {
        var run = await CliHarness.RunAsync(["bench", "speaker", "--seconds", "0.2", "--runs", "1"]);

        Assert.True(run.ExitCode == 0, run.Error + run.Output);
        Assert.Matches(new Regex(@"^machine: .+cores", RegexOptions.Multiline), run.Output);
        Assert.Contains("synthetic, published widths (enc_dim 1024); clip 0.2 s = 4800 samples = 18 mel frames", run.Output);
        Assert.Matches(new Regex(@"^  mel front end +1 thread +median +[\d.]+ ms", RegexOptions.Multiline), run.Output);
        Assert.Matches(new Regex(@"^  ECAPA-TDNN network +1 thread .+ s per audio second$", RegexOptions.Multiline), run.Output);
    }

    [Fact]
    public async Task ASnapshotWithoutASpeakerEncoderAndBadOptionsAreRefused()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("config.json"), """{"tts_model_type": "custom_voice"}""");

        var run = await CliHarness.RunAsync(["bench", "speaker", "--models", dir.Path]);
        Assert.Equal(3, run.ExitCode);
        Assert.Contains("has no speaker encoder (only Base snapshots carry speaker_encoder.*)", run.Error);

        run = await CliHarness.RunAsync(["bench", "speaker", "--seconds", "0"]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--seconds must be between 0.1 and 60", run.Error);
    }
}
