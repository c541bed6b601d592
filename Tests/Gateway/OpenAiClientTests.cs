using System.ClientModel;
using OpenAI;
using OpenAI.Audio;
using Qwen3Tts.Inference.Audio;

namespace Qwen3Tts.Tests.Gateway;

/// <summary>The official OpenAI .NET library, unchanged, against the gateway: only the endpoint differs.</summary>
[Collection(GatewayCollection.Name)]
public sealed class OpenAiClientTests(GatewayFixture fixture)
{
    private AudioClient Audio(string model = "tts-1") =>
        new OpenAIClient(new ApiKeyCredential("any-key-when-none-are-configured"), new OpenAIClientOptions { Endpoint = new Uri(fixture.Server.BaseAddress, "/v1") })
            .GetAudioClient(model);

    [Fact]
    public async Task GenerateSpeechReturnsAWaveFile()
    {
        var speech = await Audio().GenerateSpeechAsync("Hello from the OpenAI library.", new GeneratedSpeechVoice("default"),
            new SpeechGenerationOptions { ResponseFormat = GeneratedSpeechFormat.Wav });

        var (samples, rate) = WavReader.Parse(speech.Value.ToArray(), "OpenAI response");
        Assert.Equal(24000, rate);
        Assert.NotEmpty(samples);
    }

    [Fact]
    public async Task PcmAndALibraryVoiceWorkThroughTheLibrary()
    {
        var speech = await Audio("gpt-4o-mini-tts").GenerateSpeechAsync("A narrated line.", new GeneratedSpeechVoice(GatewayFixture.VoiceName),
            new SpeechGenerationOptions { ResponseFormat = GeneratedSpeechFormat.Pcm, SpeedRatio = 1.0f });

        Assert.True(speech.Value.ToArray().Length > 0);
        Assert.Equal(0, speech.Value.ToArray().Length % 2);
    }

    [Fact]
    public async Task AnUnknownVoiceIsAClientResultExceptionWithStatus400()
    {
        var error = await Assert.ThrowsAsync<ClientResultException>(() =>
            Audio().GenerateSpeechAsync("Hello.", GeneratedSpeechVoice.Alloy, new SpeechGenerationOptions { ResponseFormat = GeneratedSpeechFormat.Wav }));

        Assert.Equal(400, error.Status);
        Assert.Contains("unknown voice 'alloy'", error.Message);
    }

    [Fact]
    public async Task AnUnservedFormatAndAnUnknownModelSurfaceTheirStatus()
    {
        var mp3 = await Assert.ThrowsAsync<ClientResultException>(() =>
            Audio().GenerateSpeechAsync("Hello.", new GeneratedSpeechVoice("default"), new SpeechGenerationOptions { ResponseFormat = GeneratedSpeechFormat.Mp3 }));
        var model = await Assert.ThrowsAsync<ClientResultException>(() =>
            Audio("tts-2").GenerateSpeechAsync("Hello.", new GeneratedSpeechVoice("default")));

        Assert.Equal(400, mp3.Status);
        Assert.Contains("use one of: wav, pcm", mp3.Message);
        Assert.Equal(404, model.Status);
    }
}
