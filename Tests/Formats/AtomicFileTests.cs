using Qwen3Tts.Inference.Formats;

namespace Qwen3Tts.Tests.Formats;

public sealed class AtomicFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("qwen3-atomic-").FullName;

    [Fact]
    public void ACommitThatMustNotReplaceLosesToTheFirstAndLeavesNoTemporaryFile()
    {
        var path = Path.Combine(_dir, "voice.json");
        using var first = AtomicFile.Create(path);
        using var second = AtomicFile.Create(path);
        first.Stream.Write("first"u8);
        second.Stream.Write("second"u8);

        first.Commit(overwrite: false);
        Assert.Throws<IOException>(() => second.Commit(overwrite: false));
        second.Dispose();

        Assert.Equal("first", File.ReadAllText(path));
        Assert.Equal(["voice.json"], Directory.GetFiles(_dir).Select(Path.GetFileName));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
