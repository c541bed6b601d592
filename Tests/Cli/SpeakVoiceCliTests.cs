using Qwen3Tts.Tests.Pipeline;

namespace Qwen3Tts.Tests.Cli;

[Collection(CliCollection.Name)]
public sealed class SpeakVoiceCliTests(TinyModelsFixture fixture) : IClassFixture<TinyModelsFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("qwen3-cli-voice-").FullName;

    private Task<CliRun> SpeakAsync(string output, params string[] extra) =>
        CliHarness.RunAsync(["speak", "Named voices and speeds.", "-o", Path.Combine(_dir, output), "--models", fixture.Directory, "--seed", "6", .. extra]);

    [Fact]
    public async Task VoiceNamesResolveInTheLibraryAsOverHttpAndSpeedChangesTheLength()
    {
        var library = Directory.CreateDirectory(Path.Combine(_dir, "library")).FullName;
        var frames = string.Join(",", Enumerable.Range(0, 3).Select(f => "[" + string.Join(",", Enumerable.Range(0, 16).Select(k => (f * 16 + k) * 7)) + "]"));
        await File.WriteAllTextAsync(Path.Combine(library, "narrator.json"), $$"""{"ref_text": "Reference words", "codec_tokens": [{{frames}}]}""");

        Assert.Equal(0, (await SpeakAsync("named.wav", "--voice", "narrator", "--voices", library)).ExitCode);
        Assert.Equal(0, (await SpeakAsync("path.wav", "--voice", Path.Combine(library, "narrator.json"))).ExitCode);
        Assert.Equal(0, (await SpeakAsync("alloy.wav", "--voice", "alloy", "--voices", library)).ExitCode);
        Assert.Equal(0, (await SpeakAsync("plain.wav")).ExitCode);
        Assert.Equal(0, (await SpeakAsync("fast.wav", "--speed", "2")).ExitCode);
        var unknown = await SpeakAsync("unknown.wav", "--voice", "nobody", "--voices", library);
        var tooFast = await SpeakAsync("too-fast.wav", "--speed", "9");

        byte[] Read(string name) => File.ReadAllBytes(Path.Combine(_dir, name));
        Assert.Equal(Read("path.wav"), Read("named.wav"));
        Assert.Equal(Read("plain.wav"), Read("alloy.wav"));                 // OpenAI's names are the default voice
        Assert.NotEqual(Read("plain.wav"), Read("named.wav"));
        var plainSamples = (Read("plain.wav").Length - 44) / 2;
        Assert.Equal((int)Math.Round(plainSamples / 2.0), (Read("fast.wav").Length - 44) / 2);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("unknown voice 'nobody'", unknown.Error);
        Assert.Equal(2, tooFast.ExitCode);
        Assert.Contains("--speed 9 is out of range; use a value from 0.25 to 4", tooFast.Error);
    }

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
