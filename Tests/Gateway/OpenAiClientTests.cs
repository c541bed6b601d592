using System.ClientModel;
using OpenAI;
using OpenAI.Audio;
using Qwen3Tts.Inference.Audio;
using Qwen3Tts.Tests.Audio.Encoders;

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
    public async Task OpenAiVoiceNamesSpeakWithTheDefaultVoice()
    {
        async Task<byte[]> SpeakAsync(GeneratedSpeechVoice voice) => (await Audio().GenerateSpeechAsync("Hello.", voice,
            new SpeechGenerationOptions { ResponseFormat = GeneratedSpeechFormat.Pcm })).Value.ToArray();

        // No seed through the library: the voices are compared by being accepted and giving audio.
        Assert.NotEmpty(await SpeakAsync(GeneratedSpeechVoice.Alloy));
        Assert.NotEmpty(await SpeakAsync(GeneratedSpeechVoice.Nova));
    }

    [Fact]
#pragma warning disable OPENAI001 // Instructions is marked experimental in the library; it is the field gpt-4o-mini-tts clients send.
    public async Task InstructionsAreRefusedNamingTheModelsThatTakeThem()
    {
        var error = await Assert.ThrowsAsync<ClientResultException>(() =>
            Audio("gpt-4o-mini-tts").GenerateSpeechAsync("Hello.", GeneratedSpeechVoice.Alloy, new SpeechGenerationOptions { Instructions = "Whisper." }));

        Assert.Equal(400, error.Status);
        Assert.Contains("instructions are not supported by the loaded model", error.Message);
    }
#pragma warning restore OPENAI001

    [Fact]
    public async Task AnUnknownVoiceIsAClientResultExceptionWithStatus400()
    {
        var error = await Assert.ThrowsAsync<ClientResultException>(() =>
            Audio().GenerateSpeechAsync("Hello.", new GeneratedSpeechVoice("zork"), new SpeechGenerationOptions { ResponseFormat = GeneratedSpeechFormat.Wav }));

        Assert.Equal(400, error.Status);
        Assert.Contains("unknown voice 'zork'", error.Message);
    }

    [FfmpegTheory]
    [InlineData("mp3", "mp3")]
    [InlineData("opus", "opus")]
    [InlineData("aac", "aac")]
    [InlineData("flac", "flac")]
    [InlineData("wav", "pcm_s16le")]
    public async Task EveryFormatOfTheLibraryDecodesBack(string format, string codec)
    {
        var speech = await Audio().GenerateSpeechAsync("Every format through the library.", new GeneratedSpeechVoice("default"),
            new SpeechGenerationOptions { ResponseFormat = new GeneratedSpeechFormat(format) });

        var bytes = speech.Value.ToArray();
        Assert.Equal(codec, FfmpegTool.Probe(bytes).Codec);
        Assert.NotEmpty(FfmpegTool.DecodeToPcm(bytes));
    }

    [Fact]
    public async Task AnUnknownModelSurfacesItsStatus()
    {
        var model = await Assert.ThrowsAsync<ClientResultException>(() =>
            Audio("tts-2").GenerateSpeechAsync("Hello.", new GeneratedSpeechVoice("default")));

        Assert.Equal(404, model.Status);
    }
}
