using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Synthetic;
using Qwen3Tts.Tests.Voices;

namespace Qwen3Tts.Tests.Cli;

/// <summary>
/// The round trip on an official Base snapshot (Hugging Face layout, speaker encoder in the root model.safetensors):
/// `voices add` stores codes and an x-vector of the talker's width, and `speak` clones with it.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class VoicesOfficialLayoutCliTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("qwen3-cli-voices-official-").FullName;

    private string Models => Path.Combine(_dir, "Qwen3-TTS-12Hz-Base");

    public Task InitializeAsync() => OfficialSyntheticKit.WriteAsync(Models, OfficialSyntheticPreset.Tiny, ModelVariant.Base, seed: 99);

    [Fact]
    public async Task AVoiceAddedFromAnOfficialSnapshotSpeaks()
    {
        var wav = CloneFixtures.WriteReferenceWav(_dir);
        var library = Path.Combine(_dir, "library");

        var add = await CliHarness.RunAsync(["voices", "add", "anna", "-a", wav, "-r", "Some reference words.", "--voices", library, "--models", Models]);
        Assert.True(add.ExitCode == 0, add.Error);
        Assert.Contains("17 frames", add.Output);
        Assert.Contains($"x-vector of {OfficialSyntheticPreset.Tiny.Talker.HiddenSize}", add.Output);

        var cloned = Path.Combine(_dir, "cloned.wav");
        var plain = Path.Combine(_dir, "plain.wav");
        var speak = await CliHarness.RunAsync(["speak", "Cloned speech.", "-o", cloned, "--models", Models, "--seed", "5", "--voice", Path.Combine(library, "anna.json"), "--max-frames", "30"]);
        var own = await CliHarness.RunAsync(["speak", "Cloned speech.", "-o", plain, "--models", Models, "--seed", "5", "--max-frames", "30"]);

        Assert.True(speak.ExitCode == 0, speak.Error);
        Assert.True(own.ExitCode == 0, own.Error);
        Assert.True(new FileInfo(cloned).Length > 44);
        Assert.NotEqual(await File.ReadAllBytesAsync(plain), await File.ReadAllBytesAsync(cloned));
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }
}
