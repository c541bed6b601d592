using Qwen3Tts.Inference;
using Qwen3Tts.Inference.Formats.Gguf;

namespace Qwen3Tts.Tests.Formats;

/// <summary>Bad files give a <see cref="ModelFormatException"/> that names the file, tensor and problem.</summary>
public sealed class GgufErrorTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private static byte[] F32File(long[] dims, int floats) =>
        GgufFixtureTests.SingleTensorFile(0, dims, new byte[floats * 4]);

    private ModelFormatException OpenFails(byte[] bytes, string name = "bad.gguf")
    {
        var path = dir.Write(name, bytes);
        var e = Assert.Throws<ModelFormatException>(() => GgufFile.Open(path).Dispose());
        Assert.Equal(path, e.FilePath);
        Assert.StartsWith(path + ": ", e.Message);
        return e;
    }

    [Fact]
    public void BadMagicIsRejected()
    {
        var bytes = F32File([4], 4);
        bytes[0] = (byte)'X';
        Assert.Contains("bad magic", OpenFails(bytes).Message);
    }

    [Fact]
    public void EmptyFileIsRejected()
    {
        Assert.Contains("empty", OpenFails([]).Message);
    }

    [Theory]
    [InlineData(1u)]
    [InlineData(4u)]
    public void UnsupportedVersionIsRejected(uint version)
    {
        var bytes = GgufFixtureTests.SingleTensorFile(0, [1], new byte[4], version);
        Assert.Contains($"unsupported GGUF version {version}", OpenFails(bytes).Message);
    }

    [Fact]
    public void TruncatedHeaderIsRejected()
    {
        var bytes = F32File([4], 4)[..30]; // cuts into the architecture string
        Assert.Contains("truncated", OpenFails(bytes).Message);
    }

    [Fact]
    public void AbsurdStringLengthIsRejectedWithoutAllocating()
    {
        var bytes = new ByteBuilder().Ascii("GGUF").U32(3).U64(0).U64(1).U64(ulong.MaxValue / 2).ToArray();
        Assert.Contains("truncated", OpenFails(bytes).Message);
    }

    [Fact]
    public void AbsurdTensorCountIsRejected()
    {
        var bytes = new ByteBuilder().Ascii("GGUF").U32(3).U64(1UL << 50).U64(0).ToArray();
        Assert.Contains("tensor count", OpenFails(bytes).Message);
    }

    [Fact]
    public void TensorDataBeyondEndOfFileIsRejected()
    {
        var bytes = F32File([8], 8);
        var e = OpenFails(bytes[..^4]); // last float missing
        Assert.Equal("t", e.TensorName);
        Assert.Contains("beyond the end of the file", e.Message);
    }

    [Fact]
    public void MisalignedTensorOffsetIsRejected()
    {
        var bytes = GgufFixtureTests.SingleTensorFile(0, [1], new byte[4], offset: 4);
        var e = OpenFails(bytes);
        Assert.Contains("not a multiple of the alignment 32", e.Message);
        Assert.Equal("t", e.TensorName);
    }

    [Fact]
    public void UnknownTensorTypeIsRejected()
    {
        var bytes = GgufFixtureTests.SingleTensorFile(99, [1], new byte[4]);
        var e = OpenFails(bytes);
        Assert.Contains("unknown ggml type #99", e.Message);
    }

    [Fact]
    public void UnsupportedDequantizationNamesTheType()
    {
        var bytes = GgufFixtureTests.SingleTensorFile((uint)GgmlType.Q3_K, [256], new byte[110]);
        var path = dir.Write("k.gguf", bytes);
        using var file = GgufFile.Open(path);
        var e = Assert.Throws<ModelFormatException>(() => file.ReadFloat32("t"));
        Assert.Contains("Q3_K", e.Message);
        Assert.Contains(path, e.Message);
        Assert.Throws<ModelFormatException>(() => GgmlQuantization.Dequantize(GgmlType.Q2_K, new byte[84], new float[256]));
    }

    [Fact]
    public void MissingTensorNamesFileAndTensor()
    {
        var path = dir.Write("ok.gguf", F32File([4], 4));
        using var file = GgufFile.Open(path);
        var e = Assert.Throws<ModelFormatException>(() => file.GetTensor("talker.missing.weight"));
        Assert.Equal($"{path}: tensor 'talker.missing.weight': tensor is missing", e.Message);
        Assert.False(file.TryGetTensor("talker.missing.weight", out _));
    }

    [Fact]
    public void WrongShapeMessageShowsExpectedAndFound()
    {
        var path = dir.Write("ok.gguf", F32File([4, 2], 8));
        using var file = GgufFile.Open(path);
        var e = Assert.Throws<ModelFormatException>(() => file.ExpectShape("t", 2, 4));
        Assert.Equal($"{path}: tensor 't': expected shape [2, 4], found [4, 2]", e.Message);
    }

    [Fact]
    public void MissingOrMistypedMetadataKeyNamesFileAndKey()
    {
        var path = dir.Write("ok.gguf", F32File([4], 4));
        using var file = GgufFile.Open(path);
        var missing = Assert.Throws<ModelFormatException>(() => file.Metadata.GetUInt32("qwen3.block_count"));
        Assert.Equal($"{path}: metadata key 'qwen3.block_count' is missing", missing.Message);
        var mistyped = Assert.Throws<ModelFormatException>(() => file.Metadata.GetInt32("general.architecture"));
        Assert.Contains("'general.architecture': expected int32, found String", mistyped.Message);
    }

    [Fact]
    public void RowOutsideTensorIsRejected()
    {
        var path = dir.Write("ok.gguf", F32File([4, 2], 8));
        using var file = GgufFile.Open(path);
        var t = file.GetTensor("t");
        Assert.Throws<ArgumentOutOfRangeException>(() => file.ReadRowFloat32(t, 2, new float[4]));
        Assert.Throws<ArgumentException>(() => file.ReadRowFloat32(t, 0, new float[3]));
    }
}
