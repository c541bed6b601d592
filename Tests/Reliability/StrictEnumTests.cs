using Qwen3Tts.Gateway;
using Qwen3Tts.Grains;
using Qwen3Tts.Inference;
using Qwen3Tts.Inference.Audio.Encoders;
using Qwen3Tts.Inference.Sampling;

namespace Qwen3Tts.Tests.Reliability;

/// <summary>Enum values from users are names, one at a time: no numbers, no comma-separated flag lists.</summary>
public sealed class StrictEnumTests
{
    [Theory]
    [InlineData("wav", SpeechFormat.Wav)]
    [InlineData("PCM", SpeechFormat.Pcm)]
    [InlineData("Flac", SpeechFormat.Flac)]
    public void ANameInAnyCaseIsAccepted(string text, SpeechFormat expected)
    {
        Assert.True(StrictEnum.TryParse<SpeechFormat>(text, out var parsed));
        Assert.Equal(expected, parsed);
    }

    [Theory]
    [InlineData("Wav, Pcm")]
    [InlineData("wav,flac")]
    [InlineData("1")]
    [InlineData("-1")]
    [InlineData(" wav")]
    [InlineData("")]
    [InlineData(null)]
    public void AnythingButOneNameIsRefused(string? text)
    {
        Assert.False(StrictEnum.TryParse<SpeechFormat>(text, out _));
        // What Enum.TryParse makes of the same text, for the record: the flag lists and numbers it accepts.
        if (text is "Wav, Pcm" or "1")
        {
            Assert.True(Enum.TryParse<SpeechFormat>(text, ignoreCase: true, out var loose) && Enum.IsDefined(loose));
        }
    }

    [Fact]
    public void AWireRecordWithAFlagListForItsSamplingIsRefusedNamingTheChoices()
    {
        var error = Assert.Throws<ArgumentException>(() => new SynthesisRequestDto("hi", Sampling: "Official, Seed").ToInference());

        Assert.Contains("unknown sampling preset 'Official, Seed'", error.Message);
        Assert.Contains(string.Join(", ", Enum.GetNames<SamplingPreset>()), error.Message);
    }
}
