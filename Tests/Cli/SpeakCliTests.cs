using System.Buffers.Binary;
using System.Text.RegularExpressions;
using Qwen3Tts.Tests.Pipeline;

namespace Qwen3Tts.Tests.Cli;

[Collection(CliCollection.Name)]
public sealed partial class SpeakCliTests(TinyModelsFixture fixture) : IClassFixture<TinyModelsFixture>, IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("qwen3tts-cli-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private string PathIn(string name) => Path.Combine(_work, name);

    [Fact]
    public async Task SpeakWritesA24kMonoPcm16WavWithOneFrameOf1920SamplesPerFrame()
    {
        var wav = PathIn("hello.wav");
        var run = await CliHarness.RunAsync(["speak", "Hello world", "-o", wav, "--models", fixture.Directory, "--seed", "7"]);

        Assert.True(run.ExitCode == 0, run.Error);
        var frames = FramesIn(run.Error);
        var bytes = await File.ReadAllBytesAsync(wav);
        Assert.Equal("RIFF", System.Text.Encoding.ASCII.GetString(bytes, 0, 4));
        Assert.Equal(1, BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(20)));      // PCM
        Assert.Equal(1, BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(22)));      // mono
        Assert.Equal(24000, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(24)));
        Assert.Equal(16, BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(34)));
        Assert.Equal(frames * 1920 * 2, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(40)));
        Assert.Equal(44 + frames * 1920 * 2, bytes.Length);
        Assert.Empty(Directory.GetFiles(_work, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task SameSeedGivesTheSameFileAndStreamingWritesTheSameBytes()
    {
        string[] Args(string file, string seed, params string[] extra) =>
            ["speak", "Reproducible speech.", "-o", PathIn(file), "--models", fixture.Directory, "--seed", seed, .. extra];

        Assert.Equal(0, (await CliHarness.RunAsync(Args("a.wav", "9"))).ExitCode);
        Assert.Equal(0, (await CliHarness.RunAsync(Args("b.wav", "9"))).ExitCode);
        Assert.Equal(0, (await CliHarness.RunAsync(Args("c.wav", "10"))).ExitCode);
        Assert.Equal(0, (await CliHarness.RunAsync(Args("d.wav", "9", "--stream"))).ExitCode);

        var a = await File.ReadAllBytesAsync(PathIn("a.wav"));
        Assert.Equal(a, await File.ReadAllBytesAsync(PathIn("b.wav")));
        Assert.NotEqual(a, await File.ReadAllBytesAsync(PathIn("c.wav")));
        Assert.Equal(a, await File.ReadAllBytesAsync(PathIn("d.wav")));
    }

    [Fact]
    public async Task EachTalkerEngineSpeaksReproduciblyAndAnUnknownOneIsAUsageError()
    {
        string[] Args(string file, string engine) =>
            ["speak", "Either engine.", "-o", PathIn(file), "--models", fixture.Directory, "--seed", "5", "--talker-engine", engine];

        foreach (var engine in new[] { "llama", "managed" })
        {
            Assert.Equal(0, (await CliHarness.RunAsync(Args($"{engine}-1.wav", engine))).ExitCode);
            Assert.Equal(0, (await CliHarness.RunAsync(Args($"{engine}-2.wav", engine))).ExitCode);
            Assert.Equal(await File.ReadAllBytesAsync(PathIn($"{engine}-1.wav")), await File.ReadAllBytesAsync(PathIn($"{engine}-2.wav")));
        }
        var bad = await CliHarness.RunAsync(Args("bad.wav", "onnx"));
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("--talker-engine 'onnx' is not a talker engine; use managed or llama", bad.Error);
        Assert.False(File.Exists(PathIn("bad.wav")));
    }

    [Fact]
    public async Task RootTextFormWritesOutputWavInTheCurrentDirectory()
    {
        var previous = Environment.CurrentDirectory;
        Environment.CurrentDirectory = _work;
        try
        {
            var run = await CliHarness.RunAsync(["Hello from the root command", "--models", fixture.Directory, "--seed", "3"]);
            Assert.True(run.ExitCode == 0, run.Error);
        }
        finally
        {
            Environment.CurrentDirectory = previous;
        }

        var bytes = await File.ReadAllBytesAsync(PathIn("output.wav"));
        Assert.Equal(44 + FramesIn(await RunSpeakForFrames("Hello from the root command", "3")) * 1920 * 2, bytes.Length);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CancellationExitsWith130AndKeepsTheOldFile(bool stream)
    {
        var wav = PathIn("kept.wav");
        await File.WriteAllTextAsync(wav, "old content");
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();

        string[] args = ["speak", "This never finishes.", "-o", wav, "--models", fixture.Directory];
        var run = await CliHarness.RunAsync(stream ? [.. args, "--stream"] : args, cancel.Token);

        Assert.Equal(130, run.ExitCode);
        Assert.Equal("old content", await File.ReadAllTextAsync(wav));
        Assert.Single(Directory.GetFiles(_work));
    }

    private async Task<string> RunSpeakForFrames(string text, string seed)
    {
        var run = await CliHarness.RunAsync(["speak", text, "-o", PathIn("frames.wav"), "--models", fixture.Directory, "--seed", seed]);
        Assert.Equal(0, run.ExitCode);
        return run.Error;
    }

    private static int FramesIn(string summary)
    {
        var match = FramesPattern().Match(summary);
        Assert.True(match.Success, $"no frame count in: {summary}");
        return int.Parse(match.Groups[1].Value);
    }

    [GeneratedRegex(@": (\d+) frames, ")]
    private static partial Regex FramesPattern();
}
