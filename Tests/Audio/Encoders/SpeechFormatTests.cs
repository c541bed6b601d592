using Qwen3Tts.Inference.Audio.Encoders;

namespace Qwen3Tts.Tests.Audio.Encoders;

public sealed class SpeechFormatTests
{
    [Theory]
    [InlineData("mp3", SpeechFormat.Mp3)]
    [InlineData("OPUS", SpeechFormat.Opus)]
    [InlineData("Wav", SpeechFormat.Wav)]
    public void NamesParseInAnyCase(string name, SpeechFormat expected)
    {
        Assert.True(SpeechFormats.TryParse(name, out var format));
        Assert.Equal(expected, format);
    }

    [Theory]
    [InlineData("Wav, Pcm")]
    [InlineData("1")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("ogg")]
    public void FlagListsNumbersAndUnknownNamesAreRefused(string? name) =>
        Assert.False(SpeechFormats.TryParse(name, out _));

    [Theory]
    [InlineData("speech.mp3", SpeechFormat.Mp3)]
    [InlineData("/tmp/a.b/speech.OGG", SpeechFormat.Opus)]
    [InlineData("x.opus", SpeechFormat.Opus)]
    [InlineData("x.pcm", SpeechFormat.Pcm)]
    public void ExtensionsNameTheirFormat(string path, SpeechFormat expected) =>
        Assert.Equal(expected, SpeechFormats.FromPath(path));

    [Theory]
    [InlineData("speech")]
    [InlineData("speech.txt")]
    [InlineData("-")]
    public void OtherExtensionsNameNone(string path) => Assert.Null(SpeechFormats.FromPath(path));

    [Fact]
    public void ContentTypesAreOpenAis() =>
        Assert.Equal(["audio/wav", "audio/pcm", "audio/flac", "audio/opus", "audio/mpeg", "audio/aac"], SpeechFormats.All.Select(f => f.ContentType()));
}
