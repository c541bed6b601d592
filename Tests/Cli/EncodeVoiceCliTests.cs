using System.Text.Json;
using Qwen3Tts.Inference.Codec;
using Qwen3Tts.Inference.Codec.Encoder;
using Qwen3Tts.Inference.Codec.SpeakerEncoder;
using Qwen3Tts.Inference.Synthetic;
using Qwen3Tts.Tests.Codec.Encoder;
using Qwen3Tts.Tests.Pipeline;
using static Qwen3Tts.Tests.Audio.WavFixtures;

namespace Qwen3Tts.Tests.Cli;

/// <summary>`encode-voice` on the tiny synthetic set: the voice file, the clone it drives, and every bad input.</summary>
[Collection(CliCollection.Name)]
public sealed class EncodeVoiceCliTests(TinyModelsFixture fixture) : IClassFixture<TinyModelsFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("qwen3-cli-encode-voice-").FullName;

    private string ReferenceWav() => Voices.CloneFixtures.WriteReferenceWav(_dir);

    [Fact]
    public async Task EncodeVoiceWritesTheCodesOfTheEncoderAndSpeakClonesFromThem()
    {
        var wav = ReferenceWav();
        var voice = Path.Combine(_dir, "voice.json");

        var run = await CliHarness.RunAsync(["encode-voice", "-a", wav, "-r", "Some reference words.", "-o", voice, "--models", fixture.Directory]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("into 17 frames x 16 codes", run.Error);
        using var json = JsonDocument.Parse(await File.ReadAllBytesAsync(voice));
        var root = json.RootElement;
        Assert.Equal("Some reference words.", root.GetProperty("ref_text").GetString());
        var frames = root.GetProperty("codec_tokens").EnumerateArray().Select(f => f.EnumerateArray().Select(c => c.GetInt32()).ToArray()).ToArray();
        Assert.Equal(17, frames.Length); // ceil(1.3 s * 24000 / 1920)
        Assert.All(frames, f => Assert.Equal(16, f.Length));
        Assert.Equal(44100, root.GetProperty("source").GetProperty("sample_rate").GetInt32());
        Assert.Equal(2, root.GetProperty("source").GetProperty("channels").GetInt32());
        Assert.Equal(1.3, root.GetProperty("source").GetProperty("duration_seconds").GetDouble(), 3);
        Assert.StartsWith("sha256:", root.GetProperty("encoded_with").GetProperty("speech_tokenizer").GetString());
        Assert.False(root.TryGetProperty("speaker_embedding", out _)); // the tiny set has no speaker encoder

        // The same codes as the encoder gives the prepared clip.
        var clip = ReferenceAudio.Load(wav);
        var expected = MimiAudioEncoder.Load(fixture.Store().ResolveSpeechTokenizer().Safetensors).Encode(clip.Samples);
        Assert.Equal(expected.Codes, frames.SelectMany(f => f));

        var cloned = Path.Combine(_dir, "cloned.wav");
        var again = Path.Combine(_dir, "again.wav");
        var plain = Path.Combine(_dir, "plain.wav");
        var first = await CliHarness.RunAsync(["speak", "Cloned speech.", "-o", cloned, "--models", fixture.Directory, "--seed", "5", "--voice", voice, "--lang", "english"]);
        var second = await CliHarness.RunAsync(["speak", "Cloned speech.", "-o", again, "--models", fixture.Directory, "--seed", "5", "--voice", voice, "--lang", "english"]);
        var own = await CliHarness.RunAsync(["speak", "Cloned speech.", "-o", plain, "--models", fixture.Directory, "--seed", "5", "--lang", "english"]);
        Assert.Equal([0, 0, 0], new[] { first.ExitCode, second.ExitCode, own.ExitCode });
        Assert.True(new FileInfo(cloned).Length > 44);
        Assert.Equal(await File.ReadAllBytesAsync(cloned), await File.ReadAllBytesAsync(again));
        Assert.NotEqual(await File.ReadAllBytesAsync(cloned), await File.ReadAllBytesAsync(plain));
    }

    public static TheoryData<string, byte[], string> BadClips() => new()
    {
        { "not a WAV", "ID3\u0003 an mp3"u8.ToArray(), "not a RIFF/WAVE file" },
        { "no samples", Riff(Fmt(1, 1, 24000, 16), Chunk("data", [])), "the audio has no samples" },
        { "too long", Riff(Fmt(1, 1, 8000, 8), Chunk("data", Enumerable.Repeat((byte)200, 8000 * 61).ToArray())), "is 61.0 s long; at most 60 s are accepted" },
        { "silence", Riff(Fmt(1, 1, 16000, 16), Chunk("data", new byte[32000])), "the audio is silent" },
        { "mu-law", Riff(Fmt(7, 1, 8000, 8), Chunk("data", [1, 2, 3, 4])), "unsupported WAV format tag 7 (mu-law)" },
        { "12-bit", Riff(Fmt(1, 1, 8000, 12, blockAlign: 2), Chunk("data", [1, 2, 3, 4])), "unsupported bit depth 12" },
    };

    [Theory]
    [MemberData(nameof(BadClips))]
    public async Task ABadClipIsAUsageErrorAndWritesNothing(string what, byte[] clip, string message)
    {
        var wav = Path.Combine(_dir, $"{what}.wav");
        await File.WriteAllBytesAsync(wav, clip);
        var voice = Path.Combine(_dir, $"{what}.json");

        var run = await CliHarness.RunAsync(["encode-voice", "-a", wav, "-r", "Words.", "-o", voice, "--models", fixture.Directory]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Error);
        Assert.Single(run.Error.Trim().Split('\n'));
        Assert.False(File.Exists(voice));
        Assert.Empty(Directory.EnumerateFiles(_dir, "*.tmp", new EnumerationOptions { AttributesToSkip = 0 }));
    }

    [Fact]
    public async Task MissingTextOrAudioAreUsageErrors()
    {
        var wav = ReferenceWav();
        var voice = Path.Combine(_dir, "v.json");

        var empty = await CliHarness.RunAsync(["encode-voice", "-a", wav, "-r", "  ", "-o", voice, "--models", fixture.Directory]);
        var absent = await CliHarness.RunAsync(["encode-voice", "-a", Path.Combine(_dir, "none.wav"), "-r", "Words.", "-o", voice, "--models", fixture.Directory]);
        var noText = await CliHarness.RunAsync(["encode-voice", "-a", wav, "-o", voice, "--models", fixture.Directory]);

        Assert.Equal((2, 2, 2), (empty.ExitCode, absent.ExitCode, noText.ExitCode));
        Assert.Contains("--ref-text is empty", empty.Error);
        Assert.Contains("reference audio not found", absent.Error);
        Assert.False(File.Exists(voice));
    }

    [Fact]
    public async Task WithoutASpeechTokenizerItIsAModelFilesError()
    {
        var models = fixture.CopyTo(Path.Combine(_dir, "models"));
        Directory.Delete(Path.Combine(models, "speech_tokenizer"), recursive: true);
        var voice = Path.Combine(_dir, "v.json");

        var run = await CliHarness.RunAsync(["encode-voice", "-a", ReferenceWav(), "-r", "Words.", "-o", voice, "--models", models]);

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("speech_tokenizer/model.safetensors", run.Error);
        Assert.False(File.Exists(voice));
    }

    private string ModelsWithSpeakerEncoder() => Voices.CloneFixtures.ModelsWithSpeakerEncoder(fixture, Path.Combine(_dir, "base"));

    [Fact]
    public async Task WithASpeakerEncoderTheVoiceCarriesTheXVectorAndTheCloneUsesIt()
    {
        var models = ModelsWithSpeakerEncoder();
        var wav = ReferenceWav();
        var voice = Path.Combine(_dir, "xvector.json");

        var run = await CliHarness.RunAsync(["encode-voice", "-a", wav, "-r", "Some reference words.", "-o", voice, "--models", models]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains($"speaker embedding of {SyntheticPreset.Tiny.Talker.HiddenSize} from ecapa-tdnn", run.Error);
        using var json = JsonDocument.Parse(await File.ReadAllBytesAsync(voice));
        var embedding = json.RootElement.GetProperty("speaker_embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        var extractor = SpeakerEmbeddingExtractors.TryOpen(new(new() { ModelsDirectory = models }))!;
        Assert.Equal(extractor.Extract(ReferenceAudio.Load(wav).Samples), embedding);
        Assert.Equal("ecapa-tdnn speaker_encoder", json.RootElement.GetProperty("encoded_with").GetProperty("speaker_encoder").GetString());

        // The x-vector row changes the prompt, so the clone differs from the same codes without it.
        var codesOnly = Path.Combine(_dir, "codes-only.json");
        var stripped = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(await File.ReadAllTextAsync(voice))!;
        stripped.Remove("speaker_embedding");
        await File.WriteAllTextAsync(codesOnly, JsonSerializer.Serialize(stripped));
        var with = Path.Combine(_dir, "with.wav");
        var without = Path.Combine(_dir, "without.wav");
        var a = await CliHarness.RunAsync(["speak", "Cloned speech.", "-o", with, "--models", models, "--seed", "5", "--voice", voice, "--lang", "english"]);
        var b = await CliHarness.RunAsync(["speak", "Cloned speech.", "-o", without, "--models", models, "--seed", "5", "--voice", codesOnly, "--lang", "english"]);
        Assert.Equal((0, 0), (a.ExitCode, b.ExitCode));
        Assert.NotEqual(await File.ReadAllBytesAsync(with), await File.ReadAllBytesAsync(without));
    }

    [Fact]
    public async Task BenchEncoderPrintsTheMachineAndSecondsPerAudioSecond()
    {
        var run = await CliHarness.RunAsync(["bench", "encoder", "--models", fixture.Directory, "--seconds", "0.5", "--repeats", "1"]);

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("machine: ", run.Output);
        Assert.Matches(@"encoder 1 thread : [0-9.]+ s wall for 0\.5 s of audio = [0-9.]+ s per audio second \(CPU [0-9.]+ s/s", run.Output);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
