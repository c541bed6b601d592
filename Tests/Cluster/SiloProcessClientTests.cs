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
    private readonly int _siloPort = SiloProcess.FreePort();
    private readonly int _gatewayPort = SiloProcess.FreePort();
    private readonly string _dir = Directory.CreateTempSubdirectory("qwen3-silo-process-").FullName;
    private SiloProcess? _silo;

    public async Task InitializeAsync()
    {
        var config = Path.Combine(_dir, "cluster.json");
        await File.WriteAllTextAsync(config, $$"""
            {
              "cluster": { "clusterId": "process-test", "serviceId": "process-test", "clustering": "localhost" },
              "models": { "directory": "{{fixture.Directory.Replace("\\", "\\\\")}}" },
              "silos": [ { "name": "board", "roles": [ "talker", "predictor", "vocoder", "gateway" ], "host": "127.0.0.1", "siloPort": {{_siloPort}}, "gatewayPort": {{_gatewayPort}} } ]
            }
            """);
        _silo = SiloProcess.Start(config, _dir);
        await _silo.WaitForPortAsync(_gatewayPort, TimeSpan.FromSeconds(90));
    }

    [Fact]
    public async Task TheClientSynthesizesThroughARealSiloTheSameAudioAsInProcess()
    {
        var expected = await new SpeechSynthesizer(fixture.Models).SynthesizeAsync(new SynthesisRequest("Hello from the silo.", "english", Seed: 17));

        await using var client = await Qwen3TtsClient.ConnectAsync(new Qwen3TtsClientOptions { ClusterId = "process-test", ServiceId = "process-test", GatewayPorts = [_gatewayPort] });
        var audio = await client.SynthesizeAsync("Hello from the silo.", new SynthesisOptions { Language = SpeechLanguage.English, Seed = 17 });
        var streamed = new List<float>();
        await foreach (var chunk in client.StreamAsync("Hello from the silo.", new SynthesisOptions { Language = SpeechLanguage.English, Seed = 17 }))
        {
            streamed.AddRange(chunk);
        }

        Assert.Equal(24000, audio.SampleRate);
        Assert.Equal(expected.Samples, audio.Samples);
        Assert.Equal(expected.Samples, streamed);
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
