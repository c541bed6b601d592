using System.Text.RegularExpressions;
using Qwen3Tts.Tests.Formats;
using Qwen3Tts.Tests.Pipeline;

namespace Qwen3Tts.Tests.Cli;

[Collection(CliCollection.Name)]
public sealed class BenchVocoderTests(TinyModelsFixture fixture) : IClassFixture<TinyModelsFixture>
{
    [Fact]
    public async Task ItTimesTheDecoderPerChunkNextToTheOnnxWindowAndTheEncoder()
    {
        var run = await CliHarness.RunAsync(["bench", "vocoder", "--models", fixture.Directory, "--frames", "3", "--chunks", "1,2",
            "--threads", "1", "--repeats", "1", "--encoder-seconds", "0.5"]);

        Assert.True(run.ExitCode == 0, run.Error + run.Output);
        Assert.Matches(new Regex(@"^machine: .+cores.+simd: ", RegexOptions.Multiline), run.Output);
        Assert.Matches(new Regex(@"^fma peak: [\d.]+ GFLOP per CPU-second of one core", RegexOptions.Multiline), run.Output);
        Assert.Matches(new Regex(@"^native decoder: .+model\.safetensors: [\d.]+ GFLOP per frame, \w+ kernels; 3 frames streamed", RegexOptions.Multiline), run.Output);
        var native = Regex.Matches(run.Output, @"^  native +1 +([12]) +[\d.]+ +[\d.]+ +[\d.]+ +[\d.]+ +(meets both|meets cpu|meets wall|misses)$", RegexOptions.Multiline);
        Assert.Equal(["1", "2"], native.Select(m => m.Groups[1].Value));
        Assert.Matches(new Regex(@"^  onnx +1 +\d+ +[\d.]+ +[\d.]+ +- +- +", RegexOptions.Multiline), run.Output);
        Assert.Matches(new Regex(@"^  native \(chunk [12]\) vs onnx at 1 thread: x[\d.]+ less CPU, x[\d.]+ less wall per frame$", RegexOptions.Multiline), run.Output);
        Assert.Matches(new Regex(@"^  encoder 1 thread : [\d.]+ s wall for 0\.5 s of audio", RegexOptions.Multiline), run.Output);
    }

    [Fact]
    public async Task ASetWithoutTheSeedsOnnxStillTimesTheDecoder()
    {
        using var dir = new TempDirectory();
        var tokenizer = Path.Combine(dir.Path, "speech_tokenizer");
        Directory.CreateDirectory(tokenizer);
        foreach (var file in Directory.GetFiles(Path.Combine(fixture.Directory, "speech_tokenizer")))
        {
            File.Copy(file, Path.Combine(tokenizer, Path.GetFileName(file)));
        }

        var run = await CliHarness.RunAsync(["bench", "vocoder", "--models", dir.Path, "--frames", "1", "--chunks", "1", "--threads", "1",
            "--repeats", "1", "--encoder-seconds", "0"]);

        Assert.True(run.ExitCode == 0, run.Error + run.Output);
        Assert.Contains("onnx: no vocoder/vocoder.onnx in the models directory", run.Output);
        Assert.Single(Regex.Matches(run.Output, @"^  native ", RegexOptions.Multiline));
        Assert.DoesNotContain("encoder 1 thread", run.Output);
    }

    [Fact]
    public async Task LayersPrintsEveryStageAtEachThreadCountAndTheirTotal()
    {
        var run = await CliHarness.RunAsync(["bench", "vocoder", "--models", fixture.Directory, "--frames", "4", "--chunks", "2",
            "--threads", "1,2", "--repeats", "1", "--encoder-seconds", "0", "--layers", "2"]);

        Assert.True(run.ExitCode == 0, run.Error + run.Output);
        Assert.Contains("stages at chunk 2 (ms per frame; busy = cpu / wall; speed-up = wall at 1 thr / wall at 2 thr):", run.Output);
        var number = @"[\d.]+";
        var cells = $@" +{number} +{number} +{number} +{number} +{number} +{number} +x{number}$";
        foreach (var stage in new[] { "rvq \\+ pre_conv", "transformer: matmuls", "upsample 1: pointwise convs", "decoder\\.0 conv k7", "block 3: unit convs", "output snake \\+ conv k7" })
        {
            Assert.Matches(new Regex($"^    {stage}{cells}", RegexOptions.Multiline), run.Output);
        }
        var total = Regex.Match(run.Output, $@"^    total +({number}) +({number})", RegexOptions.Multiline);
        Assert.True(total.Success, run.Output);
        Assert.True(double.Parse(total.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) > 0, "the stages' wall time adds up to more than 0");
    }

    [Theory]
    [InlineData("--layers", "0", "--layers must be a chunk size in 1..1024")]
    [InlineData("--chunks", "0", "--chunks: '0' is not a count")]
    [InlineData("--threads", "two", "--threads: 'two' is not a count")]
    [InlineData("--frames", "0", "--frames must be at least 1")]
    [InlineData("--encoder-seconds", "-1", "--encoder-seconds must be in 0..60")]
    public async Task BadOptionsAreUsageErrors(string option, string value, string message)
    {
        var run = await CliHarness.RunAsync(["bench", "vocoder", option, value]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Error);
    }
}
