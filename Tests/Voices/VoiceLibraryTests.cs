using Qwen3Tts.Inference.Voices;

namespace Qwen3Tts.Tests.Voices;

public sealed class VoiceLibraryTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("qwen3-voices-").FullName;

    private void WriteVoice(string fileName) =>
        File.WriteAllText(Path.Combine(_dir, fileName), """{"ref_text": "hi", "codec_tokens": [[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]]}""");

    [Fact]
    public void ListsDefaultThenEveryVoiceFileByName()
    {
        WriteVoice("zoe.json");
        WriteVoice("adam.json");
        File.WriteAllText(Path.Combine(_dir, "notes.txt"), "not a voice");

        Assert.Equal(["default", "adam", "zoe"], new VoiceLibrary(_dir).List());
        Assert.Equal(["default"], new VoiceLibrary(null).List());
        Assert.Equal(["default"], new VoiceLibrary(Path.Combine(_dir, "missing")).List());
    }

    [Fact]
    public void LoadsANamedVoiceAndTreatsDefaultAsNone()
    {
        WriteVoice("adam.json");
        var library = new VoiceLibrary(_dir);

        var voice = library.Load("adam");

        Assert.NotNull(voice);
        Assert.Equal(1, voice.FrameCount);
        Assert.Equal("hi", voice.ReferenceText);
        Assert.Null(library.Load("default"));
        Assert.Null(library.Load(null));
    }

    [Theory]
    [InlineData("../adam")]
    [InlineData("/etc/passwd")]
    [InlineData(".hidden")]
    [InlineData("a\\b")]
    public void RefusesPathsInsteadOfNames(string name)
    {
        WriteVoice("adam.json");

        var error = Assert.Throws<VoiceFileException>(() => new VoiceLibrary(_dir).Load(name));

        Assert.Contains("not a voice name", error.Message);
    }

    [Fact]
    public void AnUnknownVoiceNamesTheAvailableOnes()
    {
        WriteVoice("adam.json");

        var error = Assert.Throws<VoiceFileException>(() => new VoiceLibrary(_dir).Load("bob"));

        Assert.Contains("unknown voice 'bob'", error.Message);
        Assert.Contains("default, adam", error.Message);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
