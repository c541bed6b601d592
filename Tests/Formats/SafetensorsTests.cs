using System.Text;
using Qwen3Tts.Inference;
using Qwen3Tts.Inference.Formats.Safetensors;

namespace Qwen3Tts.Tests.Formats;

public sealed class SafetensorsTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    /// <summary>u64 header length, the JSON header as given, then the data bytes.</summary>
    private static byte[] File(string json, byte[] data)
    {
        var header = Encoding.UTF8.GetBytes(json);
        return new ByteBuilder().U64((ulong)header.Length).Bytes(header).Bytes(data).ToArray();
    }

    private ModelFormatException OpenFails(byte[] bytes)
    {
        var path = dir.Write("bad.safetensors", bytes);
        var e = Assert.Throws<ModelFormatException>(() => SafetensorsFile.Open(path).Dispose());
        Assert.StartsWith(path + ": ", e.Message);
        return e;
    }

    [Fact]
    public void HandMadeFileIsRead()
    {
        var json = """
            {"__metadata__":{"format":"pt"},
             "b":{"dtype":"BF16","shape":[2],"data_offsets":[12,16]},
             "a":{"dtype":"F32","shape":[1,3],"data_offsets":[0,12]},
             "h":{"dtype":"F16","shape":[2],"data_offsets":[16,20]},
             "ids":{"dtype":"I64","shape":[1],"data_offsets":[20,28]}}
            """;
        var data = new ByteBuilder().F32(1f).F32(-2.5f).F32(3f).U16(0x3F80).U16(0xC040).U16(0x3C00).U16(0xB800)
            .U64(unchecked((ulong)-9L)).ToArray();
        var path = dir.Write("m.safetensors", File(json, data));
        using var f = SafetensorsFile.Open(path);
        Assert.Equal("pt", f.Metadata["format"]);
        Assert.Equal(["b", "a", "h", "ids"], f.Tensors.Select(t => t.Name));
        var a = f.GetTensor("a");
        Assert.Equal(SafetensorsDType.F32, a.DType);
        Assert.Equal([1L, 3L], a.Shape);
        Assert.Equal([1f, -2.5f, 3f], f.ReadFloat32("a"));
        Assert.Equal([1f, -3f], f.ReadFloat32("b"));
        Assert.Equal([1f, -0.5f], f.ReadFloat32("h"));
        Assert.Equal([-9L], f.ReadInt64("ids"));
        f.ExpectShape("a", 1, 3);
        Assert.False(f.TryGetTensor("zzz", out _));

        // Read with pread, a part of a tensor at a time: the same bytes as the map's, and nothing outside the tensor.
        var part = new byte[8];
        f.ReadTensorBytes(a, 4, part);
        Assert.Equal(f.GetTensorBytes(a)[4..].ToArray(), part);
        Assert.Throws<ArgumentOutOfRangeException>(() => f.ReadTensorBytes(a, 8, part));
        Assert.Throws<ArgumentOutOfRangeException>(() => f.ReadTensorBytes(a, -1, part));
    }

    [Theory]
    [InlineData(SafetensorsDType.F32)]
    [InlineData(SafetensorsDType.F16)]
    [InlineData(SafetensorsDType.BF16)]
    [InlineData(SafetensorsDType.F64)]
    public void WriterRoundTrip(SafetensorsDType storeAs)
    {
        var values = Enumerable.Range(0, 24).Select(i => (i - 12) * 0.1f).ToArray();
        var writer = new SafetensorsWriter();
        writer.Metadata["source"] = "test";
        writer.Add("w", [2, 3, 4], values, storeAs);
        writer.Add("scalar", [], new float[] { 5f }, storeAs);
        var path = dir.File("rt.safetensors");
        writer.WriteTo(path);

        var bytes = System.IO.File.ReadAllBytes(path);
        var headerLength = BitConverter.ToUInt64(bytes, 0);
        Assert.Equal(0UL, headerLength % 8);

        using var f = SafetensorsFile.Open(path);
        Assert.Equal("test", f.Metadata["source"]);
        Assert.Equal(storeAs, f.GetTensor("w").DType);
        Assert.Equal([2L, 3L, 4L], f.GetTensor("w").Shape);
        var read = f.ReadFloat32("w");
        var tolerance = storeAs switch
        {
            SafetensorsDType.F16 => MathF.Pow(2, -11),
            SafetensorsDType.BF16 => MathF.Pow(2, -8),
            _ => 0f,
        };
        for (var i = 0; i < values.Length; i++)
        {
            Assert.True(Math.Abs(read[i] - values[i]) <= Math.Abs(values[i]) * tolerance, $"element {i}");
        }

        Assert.Equal([5f], f.ReadFloat32("scalar"));
        Assert.Empty(System.IO.Directory.GetFiles(System.IO.Path.GetDirectoryName(path)!, "*.tmp"));
    }

    [Fact]
    public void StreamingAddFillsRowsOfTheLastDimension()
    {
        var writer = new SafetensorsWriter();
        writer.Add("t", [4, 3], SafetensorsDType.F32, (first, count, rows) =>
        {
            for (var i = 0; i < rows.Length; i++)
            {
                rows[i] = first * 3 + i;
            }
        });
        var path = dir.File("s.safetensors");
        writer.WriteTo(path);
        using var f = SafetensorsFile.Open(path);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => (float)i), f.ReadFloat32("t"));
    }

    [Fact]
    public void HeaderLengthBeyondFileIsRejected()
    {
        var bytes = new ByteBuilder().U64(1000).Ascii("{}").ToArray();
        Assert.Contains("header length 1000 goes beyond the end of the file", OpenFails(bytes).Message);
    }

    [Fact]
    public void OverlappingOffsetsAreRejected()
    {
        var json = """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""";
        var e = OpenFails(File(json, new byte[12]));
        Assert.Contains("overlaps tensor 'a'", e.Message);
        Assert.Equal("b", e.TensorName);
    }

    [Fact]
    public void DTypeSizeMismatchIsRejected()
    {
        var json = """{"a":{"dtype":"F16","shape":[3],"data_offsets":[0,4]}}""";
        var e = OpenFails(File(json, new byte[4]));
        Assert.Contains("holds 4 bytes, but shape [3] of F16 needs 6", e.Message);
    }

    [Fact]
    public void OffsetsBeyondDataSectionAreRejected()
    {
        var json = """{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""";
        Assert.Contains("beyond the data section", OpenFails(File(json, new byte[8])).Message);
    }

    [Fact]
    public void UnsupportedDTypeAndBadJsonAreRejected()
    {
        var json = """{"a":{"dtype":"F8_E4M3","shape":[1],"data_offsets":[0,1]}}""";
        Assert.Contains("unsupported dtype 'F8_E4M3'", OpenFails(File(json, new byte[1])).Message);
        Assert.Contains("not valid JSON", OpenFails(File("{not json", [])).Message);
    }

    [Fact]
    public void DuplicateTensorNameIsRejected()
    {
        var json = """{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}""";
        var e = OpenFails(File(json, new byte[2]));
        Assert.Contains("appears twice", e.Message);
        Assert.Equal("a", e.TensorName);
    }

    [Fact]
    public void MissingTensorAndWrongShapeNameFileAndTensor()
    {
        var writer = new SafetensorsWriter();
        writer.Add("w", [2, 2], new float[4]);
        var path = dir.File("ok.safetensors");
        writer.WriteTo(path);
        using var f = SafetensorsFile.Open(path);
        Assert.Equal($"{path}: tensor 'x': tensor is missing", Assert.Throws<ModelFormatException>(() => f.GetTensor("x")).Message);
        Assert.Equal($"{path}: tensor 'w': expected shape [4], found [2, 2]",
            Assert.Throws<ModelFormatException>(() => f.ExpectShape("w", 4)).Message);
    }
}
