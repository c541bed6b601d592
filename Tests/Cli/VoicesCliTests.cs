using System.Text.Json;
using Qwen3Tts.Inference.Codec.Encoder;
using Qwen3Tts.Tests.Pipeline;
using Qwen3Tts.Tests.Voices;
using static Qwen3Tts.Tests.Audio.WavFixtures;

namespace Qwen3Tts.Tests.Cli;

/// <summary>`voices add|list|remove` on the tiny synthetic set, and `speak` with the voices they make.</summary>
[Collection(CliCollection.Name)]
public sealed class VoicesCliTests(TinyModelsFixture fixture) : IClassFixture<TinyModelsFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("qwen3-cli-voices-").FullName;

    private string Library => Path.Combine(_dir, "library");

    [Fact]
    public async Task AnAddedVoiceIsTheEncodeVoiceProfileAndSpeaksTheSame()
    {
        var wav = CloneFixtures.WriteReferenceWav(_dir);

        var add = await CliHarness.RunAsync(["voices", "add", "anna", "-a", wav, "-r", "Some reference words.", "--voices", Library, "--models", fixture.Directory]);
        var encoded = await CliHarness.RunAsync(["encode-voice", "-a", wav, "-r", "Some reference words.", "-o", Path.Combine(_dir, "anna.json"), "--models", fixture.Directory]);

        Assert.Equal((0, 0), (add.ExitCode, encoded.ExitCode));
        Assert.Contains("added voice 'anna': 1.30 s (16-bit PCM, 2 channels, 44100 Hz) -> 17 frames, no x-vector", add.Output);
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(_dir, "anna.json")), await File.ReadAllBytesAsync(Path.Combine(Library, "anna.json")));
        Assert.Equal(["anna.json"], Directory.GetFiles(Library).Select(Path.GetFileName));

        var list = await CliHarness.RunAsync(["voices", "list", "--voices", Library]);
        Assert.Equal(0, list.ExitCode);
        Assert.Contains("1 voice", list.Output);
        Assert.Matches(@"anna\s+json\s+17 frames\s+1\.30 s\s+no x-vector\s+""Some reference words\.""", list.Output);
        var json = await CliHarness.RunAsync(["voices", "list", "--voices", Library, "--json"]);
        using var entries = JsonDocument.Parse(json.Output);
        Assert.Equal("anna", entries.RootElement[0].GetProperty("name").GetString());
        Assert.Equal(17, entries.RootElement[0].GetProperty("frames").GetInt32());

        var fromLibrary = Path.Combine(_dir, "library.wav");
        var fromFile = Path.Combine(_dir, "file.wav");
        var a = await CliHarness.RunAsync(["speak", "Cloned speech.", "-o", fromLibrary, "--models", fixture.Directory, "--seed", "5", "--voice", Path.Combine(Library, "anna.json"), "--lang", "english"]);
        var b = await CliHarness.RunAsync(["speak", "Cloned speech.", "-o", fromFile, "--models", fixture.Directory, "--seed", "5", "--voice", Path.Combine(_dir, "anna.json"), "--lang", "english"]);
        Assert.Equal((0, 0), (a.ExitCode, b.ExitCode));
        Assert.Equal(await File.ReadAllBytesAsync(fromFile), await File.ReadAllBytesAsync(fromLibrary));
    }

    [Fact]
    public async Task AddWithASpeakerEncoderStoresTheXVector()
    {
        var models = CloneFixtures.ModelsWithSpeakerEncoder(fixture, Path.Combine(_dir, "base"));
        var wav = CloneFixtures.WriteReferenceWav(_dir);

        var add = await CliHarness.RunAsync(["voices", "add", "bea", "-a", wav, "-r", "Words.", "--voices", Library, "--models", models]);

        Assert.Equal(0, add.ExitCode);
        Assert.Contains("x-vector of 32", add.Output);
        Assert.Equal(32, new Inference.Voices.VoiceLibrary(Library).Load("bea")!.SpeakerEmbedding!.Length);
    }

    [Fact]
    public async Task BadAddsAreUsageErrorsThatLeaveTheLibraryAsItWas()
    {
        var wav = CloneFixtures.WriteReferenceWav(_dir);
        Assert.Equal(0, (await CliHarness.RunAsync(["voices", "add", "anna", "-a", wav, "-r", "Words.", "--voices", Library, "--models", fixture.Directory])).ExitCode);
        var before = await File.ReadAllBytesAsync(Path.Combine(Library, "anna.json"));
        var longClip = CloneFixtures.WriteReferenceWav(_dir, "long.wav", seconds: 31);
        var silent = Path.Combine(_dir, "silent.wav");
        await File.WriteAllBytesAsync(silent, Riff(Fmt(1, 1, 16000, 16), Chunk("data", new byte[32000])));
        var notAudio = Path.Combine(_dir, "song.mp3");
        await File.WriteAllBytesAsync(notAudio, "ID3\u0003 an mp3"u8.ToArray());
        var fifo = Path.Combine(_dir, "fifo.wav");
        VoiceLibraryTests.MakeFifo(fifo);

        (string[] Args, string Message)[] cases =
        [
            (["anna", "-a", wav, "-r", "Words."], "a voice named 'anna' already exists"),
            (["ANNA", "-a", wav, "-r", "Words."], "a voice named 'anna' already exists"),
            (["../escape", "-a", wav, "-r", "Words."], "is not a voice name"),
            (["default", "-a", wav, "-r", "Words."], "'default' is the model's own voice"),
            (["carl", "-a", wav, "-r", "   "], "the reference text is empty"),
            (["carl", "-a", longClip, "-r", "Words."], "is 31.0 s long; at most 30 s are accepted"),
            (["carl", "-a", silent, "-r", "Words."], "the audio is silent"),
            (["carl", "-a", notAudio, "-r", "Words."], "not a RIFF/WAVE file"),
            (["carl", "-a", fifo, "-r", "Words."], "is a pipe or socket"),
            (["carl", "-a", Path.Combine(_dir, "none.wav"), "-r", "Words."], "reference audio not found"),
        ];
        foreach (var (args, message) in cases)
        {
            var run = await CliHarness.RunAsync(["voices", "add", .. args, "--voices", Library, "--models", fixture.Directory]).WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(run.ExitCode == 2, $"{string.Join(' ', args)}: exit {run.ExitCode}: {run.Error}");
            Assert.Contains(message, run.Error);
        }
        Assert.Equal(["anna.json"], Directory.GetFiles(Library, "*", new EnumerationOptions { AttributesToSkip = 0 }).Select(Path.GetFileName));
        Assert.Equal(before, await File.ReadAllBytesAsync(Path.Combine(Library, "anna.json")));
    }

    [Fact]
    public async Task RemoveDeletesTheVoiceAndAnUnknownOneIsAUsageError()
    {
        Directory.CreateDirectory(Library);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Voices", "Fixtures", "official_icl.pt"), Path.Combine(Library, "pt-voice.pt"));

        var list = await CliHarness.RunAsync(["voices", "list", "--voices", Library]);
        var remove = await CliHarness.RunAsync(["voices", "remove", "pt-voice", "--voices", Library]);
        var again = await CliHarness.RunAsync(["voices", "remove", "pt-voice", "--voices", Library]);

        Assert.Matches(@"pt-voice\s+pt\s+3 frames\s+x-vector 8\s+""Hello there\.""", list.Output);
        Assert.Equal((0, 2), (remove.ExitCode, again.ExitCode));
        Assert.Contains("removed voice 'pt-voice'", remove.Output);
        Assert.Contains("unknown voice 'pt-voice'", again.Error);
        Assert.Empty(Directory.GetFiles(Library));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
