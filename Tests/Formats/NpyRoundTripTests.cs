using System.IO.Compression;
using Qwen3Tts.Inference.Formats.Npy;

namespace Qwen3Tts.Tests.Formats;

/// <summary>NpyWriter / NpzWriter output read back through the readers (and by header layout rules).</summary>
public sealed class NpyRoundTripTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private static float[] Values(int count) => Enumerable.Range(0, count).Select(i => (i - count / 2) * 0.37f).ToArray();

    public static TheoryData<long[]> Shapes => new() { new long[] { 7 }, new long[] { 3, 5 }, new long[] { 2, 3, 4 } };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Float32RoundTripIsExact(long[] shape)
    {
        var values = Values((int)shape.Aggregate(1L, (a, b) => a * b));
        var path = dir.File("a.npy");
        NpyWriter.Write(path, values, shape);
        using var f = NpyFile.Open(path);
        Assert.Equal(shape, f.Header.Shape);
        Assert.False(f.Header.FortranOrder);
        Assert.Equal(values, f.ReadAllFloat32());
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp"));
    }

    [Fact]
    public void Float16StorageKeepsHalfPrecision()
    {
        var values = Values(40);
        var path = dir.File("h.npy");
        NpyWriter.Write(path, values, [8, 5], NpyDType.Float16);
        using var f = NpyFile.Open(path);
        Assert.Equal(NpyDType.Float16, f.Header.DType);
        Assert.Equal(values.Select(v => (float)(Half)v).ToArray(), f.ReadAllFloat32());
    }

    [Fact]
    public void Int64RoundTripIsExact()
    {
        long[] values = [long.MinValue, -1, 0, 151671, long.MaxValue, 7];
        var path = dir.File("i.npy");
        NpyWriter.Write(path, values, [2, 3]);
        using var f = NpyFile.Open(path);
        Assert.Equal(NpyDType.Int64, f.Header.DType);
        Assert.Equal(values, f.ReadAllInt64());
    }

    [Fact]
    public void HeaderIsVersion1PaddedTo64BytesWithNewline()
    {
        var path = dir.File("h.npy");
        NpyWriter.Write(path, new float[] { 1f }, [1]);
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(1, bytes[6]);
        Assert.Equal(0, bytes[7]);
        var headerLength = BitConverter.ToUInt16(bytes, 8);
        Assert.Equal(0, (10 + headerLength) % 64);
        Assert.Equal((byte)'\n', bytes[10 + headerLength - 1]);
        Assert.StartsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", System.Text.Encoding.ASCII.GetString(bytes, 10, headerLength));
    }

    [Fact]
    public void StreamRoundTrip()
    {
        using var stream = new MemoryStream();
        NpyWriter.Write(stream, Values(6), [2, 3]);
        stream.Position = 0;
        var array = NpyReader.Read(stream);
        Assert.Equal(NpyDType.Float32, array.DType);
        Assert.Equal([2L, 3L], array.Shape);
        Assert.Equal(Values(6), array.ToFloat32());
        Assert.Equal(24, array.Data.Length);
    }

    [Fact]
    public void RowStreamingWriterAsksForBoundedChunksAndRowsReadBack()
    {
        const int columns = 2048;
        const int rows = 600;
        var calls = new List<(long First, int Count)>();
        var path = dir.File("table.npy");
        NpyWriter.WriteFloat32Rows(path, [rows, columns], (first, count, span) =>
        {
            calls.Add((first, count));
            for (var r = 0; r < count; r++)
            {
                for (var c = 0; c < columns; c++)
                {
                    span[r * columns + c] = (first + r) * 10000 + c;
                }
            }
        });

        Assert.True(calls.Count > 1);
        Assert.All(calls, c => Assert.True((long)c.Count * columns <= 1 << 18));
        Assert.Equal(rows, calls.Sum(c => c.Count));
        using var f = NpyFile.Open(path);
        f.ExpectShape(rows, columns);
        var row = new float[columns];
        f.ReadRowFloat32(599, row);
        Assert.Equal(5990000f, row[0]);
        Assert.Equal(5990000f + 2047, row[2047]);
    }

    [Fact]
    public void CancelledRowStreamingLeavesNoFile()
    {
        var path = dir.File("cancel.npy");
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.Throws<OperationCanceledException>(() =>
            NpyWriter.WriteFloat32Rows(path, [10, 10], (_, _, _) => { }, cancellationToken: cts.Token));
        Assert.False(File.Exists(path));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void NpzRoundTripStoredAndDeflated(bool compressed)
    {
        var path = dir.File("a.npz");
        using (var writer = new NpzWriter(path, compressed))
        {
            writer.Add("embedding", Values(12), [3, 4]);
            writer.Add("codes", new long[] { 1, 2, 3 }, [3]);
            writer.Add("half", Values(4), [4], NpyDType.Float16);
        }

        using (var zip = ZipFile.OpenRead(path))
        {
            Assert.All(zip.Entries, e => Assert.Equal(compressed, e.CompressedLength < e.Length));
            Assert.Equal(["embedding.npy", "codes.npy", "half.npy"], zip.Entries.Select(e => e.FullName));
        }

        using var npz = NpzArchive.Open(path);
        Assert.Equal(["embedding", "codes", "half"], npz.Names);
        Assert.True(npz.Contains("codes"));
        Assert.True(npz.Contains("codes.npy"));
        Assert.False(npz.Contains("other"));
        var embedding = npz.Read("embedding");
        Assert.Equal([3L, 4L], embedding.Shape);
        Assert.Equal(Values(12), embedding.ToFloat32());
        Assert.Equal([1L, 2L, 3L], npz.Read("codes.npy").ToInt64());
        Assert.Equal(Values(4).Select(v => (float)(Half)v), npz.Read("half").ToFloat32());
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp"));
    }

    [Fact]
    public void NpzEntriesWithoutNpySuffixAreReadFromHandMadeZip()
    {
        var path = dir.File("plain.npz");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            var entry = zip.CreateEntry("x", CompressionLevel.SmallestSize);
            using var s = entry.Open();
            s.Write(NpyFixtureTests.Npy(NpyFixtureTests.Dict("<i4", "(2,)"), new ByteBuilder().U32(5).U32(6).ToArray()));
        }

        using var npz = NpzArchive.Open(path);
        Assert.Equal(["x"], npz.Names);
        Assert.Equal([5L, 6L], npz.Read("x").ToInt64());
    }

    [Fact]
    public void NpzWriterDiscardsArchiveWhenAnAddFailed()
    {
        var path = dir.File("bad.npz");
        using (var writer = new NpzWriter(path))
        {
            writer.Add("ok", new float[] { 1 }, [1]);
            Assert.Throws<ArgumentException>(() => writer.Add("wrong", new float[] { 1, 2 }, [3]));
        }

        Assert.False(File.Exists(path));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp"));
    }
}
