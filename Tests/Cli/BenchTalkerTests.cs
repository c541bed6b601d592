using System.Text.RegularExpressions;
using Qwen3Tts.Tests.Pipeline;

namespace Qwen3Tts.Tests.Cli;

[Collection(CliCollection.Name)]
public sealed class BenchTalkerTests(TinyModelsFixture fixture) : IClassFixture<TinyModelsFixture>
{
    [Fact]
    public async Task ItTimesTheManagedEngineAndLlamaCppOnTheSameGgufPerThreadCount()
    {
        var run = await CliHarness.RunAsync(["bench", "talker", "--models", fixture.Directory, "--threads", "1,2", "--steps", "3", "--prompt-rows", "4"]);

        Assert.True(run.ExitCode == 0, run.Error + run.Output);
        Assert.Matches(new Regex(@"^read bandwidth: [\d.]+ GB/s on 1 thread, [\d.]+ GB/s on 2 threads$", RegexOptions.Multiline), run.Output);
        Assert.Matches(new Regex(@"^talker: .+\.gguf \([\d.]+ GB\); a 4-row prompt, then 3 single-row steps$", RegexOptions.Multiline), run.Output);
        var rows = Regex.Matches(run.Output, @"^  (llama\.cpp|managed) +([12]) +[\d.]+ +[\d.]+ +[\d.]+ +[\d.]+ +x *[\d.]+ +[\d.]+ ms \(", RegexOptions.Multiline);
        Assert.Equal(["managed 1", "managed 2", "llama.cpp 1", "llama.cpp 2"], rows.Select(m => $"{m.Groups[1].Value} {m.Groups[2].Value}"));
    }

    [Fact]
    public async Task BadCountsAreRefusedWithTheOptionName()
    {
        var run = await CliHarness.RunAsync(["bench", "talker", "--models", fixture.Directory, "--threads", "0,x"]);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("--threads", run.Error + run.Output);
    }
}
