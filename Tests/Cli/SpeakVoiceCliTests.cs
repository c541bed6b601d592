using Qwen3Tts.Tests.Pipeline;

namespace Qwen3Tts.Tests.Cli;

[Collection(CliCollection.Name)]
public sealed class SpeakVoiceCliTests(TinyModelsFixture fixture) : IClassFixture<TinyModelsFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("qwen3-cli-voice-").FullName;

    [Fact]
    public async Task SpeakClonesAVoiceProfileReproducibly()
    {
        var voice = Path.Combine(_dir, "voice.json");
        var frames = string.Join(",", Enumerable.Range(0, 4).Select(f => "[" + string.Join(",", Enumerable.Range(0, 16).Select(k => (f * 16 + k) * 5)) + "]"));
        await File.WriteAllTextAsync(voice, $$"""{"ref_text": "Some reference words", "codec_tokens": [{{frames}}]}""");
        var a = Path.Combine(_dir, "a.wav");
        var b = Path.Combine(_dir, "b.wav");

        var c = Path.Combine(_dir, "c.wav");

        // With a language the official prompt carries its codec id; the seed's convention ignores it.
        var first = await CliHarness.RunAsync(["speak", "Cloned speech.", "-o", a, "--models", fixture.Directory, "--seed", "4", "--voice", voice, "--lang", "english"]);
        var again = await CliHarness.RunAsync(["speak", "Cloned speech.", "-o", b, "--models", fixture.Directory, "--seed", "4", "--voice", voice, "--lang", "english"]);
        var seed = await CliHarness.RunAsync(["speak", "Cloned speech.", "-o", c, "--models", fixture.Directory, "--seed", "4", "--voice", voice, "--lang", "english", "--convention", "Seed"]);

        Assert.Equal([0, 0, 0], new[] { first.ExitCode, again.ExitCode, seed.ExitCode });
        Assert.True(new FileInfo(a).Length > 44);
        Assert.Equal(await File.ReadAllBytesAsync(a), await File.ReadAllBytesAsync(b));
        Assert.NotEqual(await File.ReadAllBytesAsync(a), await File.ReadAllBytesAsync(c));
    }

    [Fact]
    public async Task AMissingOrBrokenVoiceIsAUsageErrorAndWritesNothing()
    {
        var output = Path.Combine(_dir, "out.wav");
        var broken = Path.Combine(_dir, "broken.json");
        await File.WriteAllTextAsync(broken, """{"codec_tokens": [[1, 2]]}""");

        var missing = await CliHarness.RunAsync(["speak", "Hi.", "-o", output, "--models", fixture.Directory, "--voice", Path.Combine(_dir, "none.json")]);
        var bad = await CliHarness.RunAsync(["speak", "Hi.", "-o", output, "--models", fixture.Directory, "--voice", broken]);

        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("voice file not found", missing.Error);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("codec_tokens[0] must be an array of 16", bad.Error);
        Assert.False(File.Exists(output));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
