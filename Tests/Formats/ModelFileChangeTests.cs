using Qwen3Tts.Inference.Checkpoints;
using Qwen3Tts.Inference.Formats;
using Qwen3Tts.Inference.Formats.Gguf;
using Qwen3Tts.Inference.Formats.Npy;
using Qwen3Tts.Inference.Formats.Safetensors;

namespace Qwen3Tts.Tests.Formats;

/// <summary>
/// Tables that stay open while a silo serves, rewritten under it the ways operators do: <c>cp</c> over the file
/// (truncate, then write, on the same inode), <c>rsync --inplace -t</c> (write in place, then set the modification
/// time back), a shorter file copied over (a truncation: on a memory map, a SIGBUS that killed the process). Each is
/// refused with a clear error; a file replaced by rename keeps serving the content it was opened with.
/// </summary>
public sealed class ModelFileChangeTests : IDisposable
{
    private const int Rows = 64;
    private const int Columns = 48;

    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private static float[] Table(float offset) => [.. Enumerable.Range(0, Rows * Columns).Select(i => i * 0.25f + offset)];

    /// <summary>The bytes of the same table with other values, as a new release of the file would have.</summary>
    private byte[] OtherRelease(string name, Action<string, float[]> write)
    {
        var other = dir.File("other-" + name);
        write(other, Table(1000f));
        return File.ReadAllBytes(other);
    }

    /// <summary>What <c>cp new old</c> does: open the existing file with O_TRUNC and write.</summary>
    private static void CopyOver(string path, byte[] bytes) => File.WriteAllBytes(path, bytes);

    /// <summary>What <c>rsync --inplace -t</c> does: write into the existing file, then restore the source's modification time (here: the old one).</summary>
    private static void RsyncInPlaceKeepingTimes(string path, byte[] bytes)
    {
        var before = File.GetLastWriteTimeUtc(path);
        // The file's change time has a clock tick of a few ms; this write must land in a later tick than the load.
        Thread.Sleep(30);
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            stream.Write(bytes);
        }
        File.SetLastWriteTimeUtc(path, before);
    }

    public sealed record TableFormat(string Name, Action<string, float[]> Write, Func<string, IDisposable> Open, Action<IDisposable, int, float[]> ReadRow)
    {
        public override string ToString() => Name;
    }

    public static TheoryData<TableFormat> Formats => new()
    {
        new TableFormat("table.npy",
            (path, values) => NpyWriter.Write(path, values, [Rows, Columns]),
            path => NpyFile.Open(path),
            (file, row, destination) => ((NpyFile)file).ReadRowFloat32(row, destination)),
        new TableFormat("table.gguf",
            (path, values) =>
            {
                var writer = new GgufWriter("test");
                writer.AddTensor("text", [Columns, Rows], GgmlType.F32, values);
                writer.WriteTo(path);
            },
            path => GgufFile.Open(path),
            (file, row, destination) => ((GgufFile)file).ReadRowFloat32(((GgufFile)file).GetTensor("text"), row, destination)),
        new TableFormat("table.safetensors",
            (path, values) =>
            {
                var writer = new SafetensorsWriter();
                writer.Add("text", [Rows, Columns], values, SafetensorsDType.BF16);
                writer.WriteTo(path);
            },
            path => SafetensorsFile.Open(path),
            (file, row, destination) => ((SafetensorsFile)file).ReadRowFloat32(((SafetensorsFile)file).GetTensor("text"), row, destination)),
        // The official snapshot's bf16 text table, as the talker of an official checkpoint reads it.
        new TableFormat("model.safetensors",
            (path, values) =>
            {
                var writer = new SafetensorsWriter();
                writer.Add("talker.model.text_embedding.weight", [Rows, Columns], values, SafetensorsDType.BF16);
                writer.WriteTo(path);
            },
            path => SafetensorsEmbeddingTable.Open(path, "talker.model.text_embedding.weight"),
            (file, row, destination) => ((SafetensorsEmbeddingTable)file).ReadRow(row, destination)),
    };

    private (string Path, IDisposable File, float[] Row) OpenAndReadRow(TableFormat format)
    {
        var path = dir.File(format.Name);
        format.Write(path, Table(0f));
        var file = format.Open(path);
        var row = new float[Columns];
        format.ReadRow(file, 5, row);
        return (path, file, row);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void ACopyOverAnOpenTableIsRefusedNamingTheFile(TableFormat format)
    {
        var other = OtherRelease(format.Name, format.Write);
        var (path, file, row) = OpenAndReadRow(format);
        using (file)
        {
            Assert.Equal(5 * Columns * 0.25f, row[0]);
            CopyOver(path, other);
            var error = Assert.Throws<ModelFileChangedException>(() => format.ReadRow(file, 5, row));
            Assert.Contains(format.Name, error.Message);
            Assert.Contains("restart", error.Message);
        }
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void AnInPlaceRewriteThatKeepsTheModificationTimeIsRefused(TableFormat format)
    {
        var other = OtherRelease(format.Name, format.Write);
        var (path, file, row) = OpenAndReadRow(format);
        using (file)
        {
            RsyncInPlaceKeepingTimes(path, other);
            Assert.Throws<ModelFileChangedException>(() => format.ReadRow(file, 5, row));
        }
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void ATruncatedTableIsRefusedInsteadOfFaulting(TableFormat format)
    {
        var (path, file, row) = OpenAndReadRow(format);
        using (file)
        {
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
            {
                stream.SetLength(stream.Length / 3);
            }
            var error = Assert.Throws<ModelFileChangedException>(() => format.ReadRow(file, Rows - 1, row));
            Assert.Contains("bytes when loaded", error.Message);
        }
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void ATableReplacedByRenameKeepsServingWhatItWasOpenedWith(TableFormat format)
    {
        var (path, file, row) = OpenAndReadRow(format);
        using (file)
        {
            var replacement = dir.File("replacement-" + format.Name);
            format.Write(replacement, Table(1000f));
            File.Move(replacement, path, overwrite: true);
            var again = new float[Columns];
            format.ReadRow(file, 5, again);
            Assert.Equal(row, again);
        }
    }
}
