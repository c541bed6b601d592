using Qwen3Tts.Cli.Mcp;

namespace Qwen3Tts.Tests.Mcp;

public sealed class OutputPathsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("qwen3-outputpaths-").FullName;

    private string Inside => Path.Combine(_root, "out");

    private string Outside => Path.Combine(_root, "elsewhere");

    public OutputPathsTests()
    {
        Directory.CreateDirectory(Inside);
        Directory.CreateDirectory(Outside);
    }

    [Theory]
    [InlineData("speech.wav", "speech.wav")]
    [InlineData("Speech.WAV", "Speech.WAV")]
    [InlineData("chapter1/intro.wav", "chapter1/intro.wav")]
    [InlineData("a/../b.wav", "b.wav")]
    public void NamesInsideTheDirectoryResolveToAbsolutePathsThere(string requested, string expected)
    {
        var paths = new OutputPaths(Inside);

        Assert.Equal(Path.Combine(Inside, expected), paths.Resolve(requested));
    }

    [Fact]
    public void AnAbsolutePathInsideTheDirectoryIsAccepted()
    {
        var target = Path.Combine(Inside, "abs.wav");

        Assert.Equal(target, new OutputPaths(Inside).Resolve(target));
    }

    [Theory]
    [InlineData("../x.wav")]
    [InlineData("../out-sibling/x.wav")]
    [InlineData("a/../../x.wav")]
    [InlineData("/etc/x.wav")]
    public void EscapesAreRefusedNamingTheDirectory(string requested)
    {
        var error = Assert.Throws<ArgumentException>(() => new OutputPaths(Inside).Resolve(requested));

        Assert.Contains($"'{requested}' is outside the output directory {Inside}", error.Message);
    }

    [Fact]
    public void ASymbolicLinkToADirectoryOutsideIsRefused()
    {
        Directory.CreateSymbolicLink(Path.Combine(Inside, "link"), Outside);

        var error = Assert.Throws<ArgumentException>(() => new OutputPaths(Inside).Resolve("link/x.wav"));

        Assert.Contains("outside the output directory", error.Message);
    }

    [Fact]
    public void ARelativeSymbolicLinkToAFileOutsideIsRefused()
    {
        File.CreateSymbolicLink(Path.Combine(Inside, "x.wav"), "../elsewhere/target.wav");

        Assert.Throws<ArgumentException>(() => new OutputPaths(Inside).Resolve("x.wav"));
    }

    [Fact]
    public void ASymbolicLinkThatStaysInsideIsFollowed()
    {
        Directory.CreateDirectory(Path.Combine(Inside, "real"));
        Directory.CreateSymbolicLink(Path.Combine(Inside, "alias"), Path.Combine(Inside, "real"));

        Assert.Equal(Path.Combine(Inside, "alias", "x.wav"), new OutputPaths(Inside).Resolve("alias/x.wav"));
    }

    [Fact]
    public void AnOutputDirectoryReachedThroughALinkStillAcceptsItsOwnFiles()
    {
        var linkedRoot = Path.Combine(_root, "linked-out");
        Directory.CreateSymbolicLink(linkedRoot, Inside);

        Assert.Equal(Path.Combine(linkedRoot, "x.wav"), new OutputPaths(linkedRoot).Resolve("x.wav"));
    }

    [Fact]
    public void ALinkCycleIsAnErrorNotAHang()
    {
        File.CreateSymbolicLink(Path.Combine(Inside, "a"), Path.Combine(Inside, "b"));
        File.CreateSymbolicLink(Path.Combine(Inside, "b"), Path.Combine(Inside, "a"));

        var error = Assert.Throws<ArgumentException>(() => new OutputPaths(Inside).Resolve("a/x.wav"));

        Assert.Contains("too many levels of symbolic links", error.Message);
    }

    [Theory]
    [InlineData("notes.txt", "must end in an audio extension")]
    [InlineData("speech", "must end in an audio extension")]
    [InlineData("", "output_file is empty")]
    [InlineData("  ", "output_file is empty")]
    public void NamesThatAreNotAudioFilesAreRefused(string requested, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => new OutputPaths(Inside).Resolve(requested));

        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void AnExistingDirectoryIsNotAFileName()
    {
        Directory.CreateDirectory(Path.Combine(Inside, "folder.wav"));

        var error = Assert.Throws<ArgumentException>(() => new OutputPaths(Inside).Resolve("folder.wav"));

        Assert.Contains("is a directory", error.Message);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
