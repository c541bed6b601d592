using Qwen3Tts.Client;
using Qwen3Tts.Inference.Pipeline;
using Qwen3Tts.Tests.Pipeline;

namespace Qwen3Tts.Tests.Cluster;

/// <summary>
/// The .NET client against a real silo process over TCP (localhost clustering, the embedded
/// single-machine mode): the audio must equal the in-process synthesizer's for the same seed.
/// </summary>
public sealed class SiloProcessClientTests(TinyModelsFixture fixture) : IClassFixture<TinyModelsFixture>, IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("qwen3-silo-process-").FullName;
    private SingleSiloProcess? _silo;

    private SingleSiloProcess Silo => _silo ?? throw new InvalidOperationException("the silo did not start");

    public async Task InitializeAsync() => _silo = await SingleSiloProcess.StartAsync(fixture.Directory, _dir, "process-test");

    [Fact]
    public async Task TheClientSynthesizesThroughARealSiloTheSameAudioAsInProcess()
    {
        var expected = await new SpeechSynthesizer(fixture.Models).SynthesizeAsync(new SynthesisRequest("Hello from the silo.", "english", Seed: 17));

        await using var client = await Qwen3TtsClient.ConnectAsync(new Qwen3TtsClientOptions { ClusterId = "process-test", ServiceId = "process-test", GatewayPorts = [Silo.GatewayPort] });
        var audio = await client.SynthesizeAsync("Hello from the silo.", new SynthesisOptions { Language = SpeechLanguage.English, Seed = 17 });
        var streamed = new List<float>();
        SpeechChunk? first = null;
        await foreach (var chunk in client.StreamAsync("Hello from the silo.", new SynthesisOptions { Language = SpeechLanguage.English, Seed = 17 }))
        {
            streamed.AddRange(chunk.Samples);
            first ??= chunk.Samples.Length > 0 ? chunk : null;
        }

        // StreamAsync's first audio is the first frame's 1920 samples, not a window of them.
        Assert.Equal((1, 1920), (first!.FramesSoFar, first.Samples.Length));
        Assert.Equal(24000, audio.SampleRate);
        Assert.Equal(expected.Samples, audio.Samples);
        Assert.Equal(expected.Samples, streamed);
    }

    [Fact]
    public async Task SpeakWithClusterClonesAVoiceThroughTheSiloLikeEmbeddedMode()
    {
        var voice = Path.Combine(_dir, "voice.json");
        var frames = string.Join(",", Enumerable.Range(0, 3).Select(f => "[" + string.Join(",", Enumerable.Range(0, 16).Select(k => (f * 16 + k) * 7)) + "]"));
        await File.WriteAllTextAsync(voice, $$"""{"ref_text": "Reference words", "codec_tokens": [{{frames}}]}""");
        var viaCluster = Path.Combine(_dir, "cluster.wav");
        var embedded = Path.Combine(_dir, "embedded.wav");
        string[] common = ["speak", "A cloned voice over the wire.", "--seed", "5", "--voice", voice, "--lang", "english"];

        var clustered = await RunCliAsync([.. common, "-o", viaCluster, "--cluster", Silo.Config]);
        var local = await RunCliAsync([.. common, "-o", embedded, "--models", fixture.Directory]);
        var seedConvention = await RunCliAsync([.. common, "-o", Path.Combine(_dir, "x.wav"), "--cluster", Silo.Config, "--convention", "Seed"]);

        Assert.True(clustered.Code == 0, clustered.Error);
        Assert.True(local.Code == 0, local.Error);
        Assert.Equal(await File.ReadAllBytesAsync(embedded), await File.ReadAllBytesAsync(viaCluster));
        Assert.Equal(2, seedConvention.Code);
        Assert.Contains("embedded mode", seedConvention.Error);
    }

    [Fact]
    public async Task VoicesAddWithClusterEncodesOnTheSiloTheSameVoiceAsHere()
    {
        var wav = Voices.CloneFixtures.WriteReferenceWav(_dir);
        var clustered = await RunCliAsync(["voices", "add", "anna", "-a", wav, "-r", "Some reference words.", "--voices", Path.Combine(_dir, "c"), "--cluster", Silo.Config]);
        var local = await RunCliAsync(["voices", "add", "anna", "-a", wav, "-r", "Some reference words.", "--voices", Path.Combine(_dir, "l"), "--models", fixture.Directory]);

        Assert.True(clustered.Code == 0, clustered.Error);
        Assert.True(local.Code == 0, local.Error);
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(_dir, "l", "anna.json")), await File.ReadAllBytesAsync(Path.Combine(_dir, "c", "anna.json")));

        await using var client = await Qwen3TtsClient.ConnectAsync(new Qwen3TtsClientOptions { ClusterId = "process-test", ServiceId = "process-test", GatewayPorts = [Silo.GatewayPort] });
        var clip = Inference.Voices.Cloning.ReferenceClips.FromFile(wav, new());
        var voice = await client.EncodeVoiceAsync(clip.Samples);
        Assert.Equal(17, voice.Frames);
        Assert.StartsWith("sha256:", voice.SpeechTokenizer);
        var refused = await Assert.ThrowsAnyAsync<ArgumentException>(() => client.EncodeVoiceAsync(new float[100], 8000));
        Assert.Contains("24000 Hz", refused.Message);
    }

    private static async Task<(int Code, string Error)> RunCliAsync(string[] args)
    {
        var error = new StringWriter();
        var code = await Qwen3Tts.Cli.CliApp.RunAsync(args, new StringWriter(), error);
        return (code, error.ToString());
    }

    public async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }
        Directory.Delete(_dir, recursive: true);
    }
}
