using Qwen3Tts.Inference;
using Qwen3Tts.Inference.Formats.Npy;

namespace Qwen3Tts.Tests.Formats;

public sealed class NpyErrorTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private static byte[] Valid() =>
        NpyFixtureTests.Npy(NpyFixtureTests.Dict("<f4", "(2, 2)"), new ByteBuilder().F32(1).F32(2).F32(3).F32(4).ToArray());

    private ModelFormatException OpenFails(byte[] bytes)
    {
        var path = dir.Write("bad.npy", bytes);
        var e = Assert.Throws<ModelFormatException>(() => NpyFile.Open(path).Dispose());
        Assert.StartsWith(path + ": ", e.Message);
        return e;
    }

    [Fact]
    public void BadMagicIsRejected()
    {
        var bytes = Valid();
        bytes[1] = (byte)'X';
        Assert.Contains("bad magic", OpenFails(bytes).Message);
        Assert.Throws<ModelFormatException>(() => NpyReader.Read(new MemoryStream(bytes)));
    }

    [Fact]
    public void TruncatedDataIsRejectedFromFileAndStream()
    {
        var bytes = Valid()[..^3];
        var e = OpenFails(bytes);
        Assert.Contains("truncated", e.Message);
        Assert.Contains("needs 16 bytes", e.Message);
        var s = Assert.Throws<ModelFormatException>(() => NpyReader.Read(new MemoryStream(bytes)));
        Assert.Contains("truncated", s.Message);
    }

    [Fact]
    public void TruncatedHeaderIsRejected()
    {
        Assert.Contains("truncated", OpenFails(Valid()[..20]).Message);
    }

    [Fact]
    public void UnsupportedVersionIsRejected()
    {
        var bytes = Valid();
        bytes[6] = 4;
        Assert.Contains("unsupported .npy format version 4.0", OpenFails(bytes).Message);
    }

    [Fact]
    public void BigEndianIsRejectedWithAdvice()
    {
        var e = OpenFails(NpyFixtureTests.Npy(NpyFixtureTests.Dict(">f4", "(1,)"), new byte[4]));
        Assert.Contains("big-endian", e.Message);
    }

    [Fact]
    public void UnknownDTypeIsRejected()
    {
        Assert.Contains("unsupported npy dtype '<c8'", OpenFails(NpyFixtureTests.Npy(NpyFixtureTests.Dict("<c8", "(1,)"), new byte[8])).Message);
    }

    [Fact]
    public void MalformedHeaderIsRejected()
    {
        Assert.Contains("malformed .npy header", OpenFails(NpyFixtureTests.Npy("{'descr': '<f4', 'shape': (2,", new byte[8])).Message);
        Assert.Contains("fortran_order", OpenFails(NpyFixtureTests.Npy("{'descr': '<f4', 'shape': (2,), }", new byte[8])).Message);
    }

    [Fact]
    public void ShapeMismatchNamesFileExpectedAndFound()
    {
        var path = dir.Write("text_embedding.npy", Valid());
        using var f = NpyFile.Open(path);
        var e = Assert.Throws<ModelFormatException>(() => f.ExpectShape(151936, 2048));
        Assert.Equal($"{path}: tensor 'text_embedding.npy': expected shape [151936, 2048], found [2, 2]", e.Message);
    }

    [Fact]
    public void WrongKindOfElementsIsRejected()
    {
        var path = dir.Write("ints.npy", NpyFixtureTests.Npy(NpyFixtureTests.Dict("<i8", "(1,)"), new byte[8]));
        using var f = NpyFile.Open(path);
        Assert.Contains("expected a floating-point array", Assert.Throws<ModelFormatException>(() => f.ReadAllFloat32()).Message);
        using var floats = NpyFile.Open(dir.Write("f.npy", Valid()));
        Assert.Contains("expected an integer array", Assert.Throws<ModelFormatException>(() => floats.ReadAllInt64()).Message);
    }

    [Fact]
    public void NpzMissingEntryNamesArchiveAndEntry()
    {
        var path = dir.File("a.npz");
        using (var writer = new NpzWriter(path))
        {
            writer.Add("present", new float[] { 1 }, [1]);
        }

        using var npz = NpzArchive.Open(path);
        var e = Assert.Throws<ModelFormatException>(() => npz.Read("absent"));
        Assert.StartsWith($"{path}: tensor 'absent': array is missing from the archive", e.Message);
    }

    [Fact]
    public void NpzThatIsNotAZipIsRejected()
    {
        var path = dir.Write("bad.npz", Valid());
        var e = Assert.Throws<ModelFormatException>(() => NpzArchive.Open(path).Dispose());
        Assert.Contains("not a valid .npz", e.Message);
    }
}
