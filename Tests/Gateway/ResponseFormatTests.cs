using Qwen3Tts.Gateway;
using Qwen3Tts.Inference.Audio.Encoders;
using Qwen3Tts.Inference.Voices;
using Qwen3Tts.Tests.Audio.Encoders;

namespace Qwen3Tts.Tests.Gateway;

/// <summary>The default response_format and the refusal of a format whose encoder is missing, on the validator alone.</summary>
public sealed class ResponseFormatTests
{
    private static SpeechRequestValidator Validator(FfmpegLocator ffmpeg, string? configuredDefault = null) =>
        new(new GatewayOptions { DefaultResponseFormat = configuredDefault }, new VoiceLibrary(null), new AudioEncoderOptions { Ffmpeg = ffmpeg });

    private static readonly FfmpegLocator Missing = new("/nonexistent/ffmpeg");

    [FfmpegFact]
    public void WithFfmpegTheDefaultIsOpenAisMp3() =>
        Assert.Equal(SpeechFormat.Mp3, Validator(FfmpegLocator.Default).Validate(new SpeechRequest { Model = "tts-1", Input = "hi" }).Format);

    [Fact]
    public void WithoutFfmpegTheDefaultIsWavAndMp3IsRefusedWithWhatToInstall()
    {
        var validator = Validator(Missing);

        Assert.Equal(SpeechFormat.Wav, validator.Validate(new SpeechRequest { Model = "tts-1", Input = "hi" }).Format);
        Assert.Equal(SpeechFormat.Opus, validator.Validate(new SpeechRequest { Model = "tts-1", Input = "hi", ResponseFormat = "opus" }).Format);
        var refused = Assert.Throws<OpenAiErrorException>(() => validator.Validate(new SpeechRequest { Model = "tts-1", Input = "hi", ResponseFormat = "mp3" }));
        Assert.Equal(400, refused.StatusCode);
        Assert.Equal("response_format", refused.Body.Error.Param);
        Assert.Equal("encoder_unavailable", refused.Body.Error.Code);
        Assert.Contains("apt-get install ffmpeg", refused.Message);
    }

    [Fact]
    public void AConfiguredDefaultWins() =>
        Assert.Equal(SpeechFormat.Flac, Validator(Missing, "flac").Validate(new SpeechRequest { Model = "tts-1", Input = "hi" }).Format);

    [Fact]
    public void AConfiguredDefaultThatIsNoFormatFailsAtStartup() =>
        Assert.Contains("defaultResponseFormat 'ogg'", Assert.Throws<ArgumentException>(() => new GatewayOptions { DefaultResponseFormat = "ogg" }.Validate()).Message);
}
