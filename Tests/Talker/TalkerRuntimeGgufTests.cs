using Qwen3Tts.Inference;
using Qwen3Tts.Inference.Formats.Gguf;
using Qwen3Tts.Inference.Formats.Npy;
using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Models.Store;
using Qwen3Tts.Inference.Talker;
using Qwen3Tts.Tests.Pipeline;

namespace Qwen3Tts.Tests.Talker;

/// <summary>
/// The runtime talker GGUF made from a published-style source whose token_embd/output are padded
/// past the 3072 codec rows (as the seed's converter leaves them): what is kept, what is replaced,
/// and when the cached file is reused or rebuilt.
/// </summary>
[Collection(TinyModelsCollection.Name)]
public sealed class TalkerRuntimeGgufTests : IDisposable
{
    private const int PaddingRows = 64;
    private const int StubRows = 257; // the smallest vocabulary llama.cpp loads
    private static readonly DateTime Marker = new(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private readonly string _dir = Directory.CreateTempSubdirectory("qwen3-runtime-gguf-").FullName;
    private readonly TalkerFiles _talker;

    public TalkerRuntimeGgufTests(TinyModelsFixture models) => _talker = models.Store().ResolveTalker();

    [Fact]
    public void KeepsTheCodecRowsTakesTheF32HeadAndCopiesLayersByteForByte()
    {
        var source = WritePadded(Path.Combine(_dir, "padded.gguf"));

        var runtimePath = TalkerRuntimeGguf.Prepare(source, _talker.CodecHead, Path.Combine(_dir, "cache"));

        using var padded = GgufFile.Open(source);
        using var runtime = GgufFile.Open(runtimePath);
        long hidden = padded.Metadata.GetUInt32("qwen3.embedding_length");
        var stubShape = new long[] { hidden, StubRows };
        Assert.Equal(padded.Tensors.Select(t => t.Name).Order(), runtime.Tensors.Select(t => t.Name).Order());

        var embd = runtime.GetTensor("token_embd.weight");
        var sourceEmbd = padded.GetTensor("token_embd.weight");
        Assert.Equal(stubShape, embd.Dimensions);
        Assert.Equal(sourceEmbd.Type, embd.Type);
        Assert.True(runtime.GetTensorBytes(embd).SequenceEqual(padded.GetTensorBytes(sourceEmbd)[..(int)embd.ByteSize]), "token_embd is not the first source rows");

        // llama.cpp's output layer is a stub it computes for nothing; the real head is the file beside it.
        var head = ReadNpy(_talker.CodecHead);
        var output = runtime.GetTensor("output.weight");
        Assert.Equal(GgmlType.F32, output.Type);
        Assert.Equal(stubShape, output.Dimensions);
        Assert.Equal(head.AsSpan(0, StubRows * (int)hidden).ToArray(), runtime.ReadFloat32("output.weight"));
        using (var headFile = GgufFile.Open(TalkerCodecHeadFile.PathFor(runtimePath)))
        {
            var codecHead = headFile.GetTensor(TalkerCodecHeadFile.TensorName);
            Assert.Equal(GgmlType.F32, codecHead.Type);
            Assert.Equal(new long[] { hidden, CodecTokenIds.TalkerVocabSize }, codecHead.Dimensions);
            Assert.Equal(head, headFile.ReadFloat32(TalkerCodecHeadFile.TensorName));
        }

        foreach (var tensor in padded.Tensors.Where(t => t.Name is not ("token_embd.weight" or "output.weight")))
        {
            var copy = runtime.GetTensor(tensor.Name);
            Assert.Equal(tensor.Dimensions, copy.Dimensions);
            Assert.Equal(tensor.Type, copy.Type);
            Assert.True(runtime.GetTensorBytes(copy).SequenceEqual(padded.GetTensorBytes(tensor)), $"{tensor.Name} differs");
        }

        // The vocabulary is the stub; the source's padded size and text-tokenizer keys are gone.
        Assert.Equal("qwen3", runtime.Metadata.GetString("general.architecture"));
        Assert.Equal(StubRows, runtime.Metadata.GetStringArray("tokenizer.ggml.tokens").Length);
        Assert.False(runtime.Metadata.Contains("qwen3.vocab_size"));
        Assert.False(runtime.Metadata.Contains("tokenizer.ggml.padding_token_id"));
        Assert.Equal(padded.Metadata.GetUInt32("qwen3.attention.head_count"), runtime.Metadata.GetUInt32("qwen3.attention.head_count"));
        Assert.Equal(padded.Metadata.GetString("general.name"), runtime.Metadata.GetString("general.name"));
    }

    [Fact]
    public void TheCachedFileIsReusedUntilTheSourceOrTheHeadChanges()
    {
        var source = WritePadded(Path.Combine(_dir, "padded.gguf"));
        var head = Path.Combine(_dir, "codec_head.npy");
        File.Copy(_talker.CodecHead, head);
        var cache = Path.Combine(_dir, "cache");

        var first = TalkerRuntimeGguf.Prepare(source, head, cache);
        File.SetLastWriteTimeUtc(first, Marker);
        var second = TalkerRuntimeGguf.Prepare(source, head, cache);
        Assert.Equal(first, second);
        Assert.Equal(Marker, File.GetLastWriteTimeUtc(second));

        File.SetLastWriteTimeUtc(source, DateTime.UtcNow.AddMinutes(1));
        Assert.Equal(first, TalkerRuntimeGguf.Prepare(source, head, cache));
        Assert.NotEqual(Marker, File.GetLastWriteTimeUtc(first));

        // A missing head file is a rebuild of both.
        File.Delete(TalkerCodecHeadFile.PathFor(first));
        Assert.Equal(first, TalkerRuntimeGguf.Prepare(source, head, cache));
        Assert.True(File.Exists(TalkerCodecHeadFile.PathFor(first)));

        // A new head (same size, other values) must reach the codec head file.
        var negated = ReadNpy(_talker.CodecHead).Select(v => -v).ToArray();
        var hidden = negated.Length / CodecTokenIds.TalkerVocabSize;
        NpyWriter.WriteFloat32Rows(head, [CodecTokenIds.TalkerVocabSize, hidden], (row, count, rows) =>
            negated.AsSpan(checked((int)row * hidden), count * hidden).CopyTo(rows));
        File.SetLastWriteTimeUtc(head, DateTime.UtcNow.AddMinutes(2));
        TalkerRuntimeGguf.Prepare(source, head, cache);
        using var headFile = GgufFile.Open(TalkerCodecHeadFile.PathFor(first));
        Assert.Equal(negated, headFile.ReadFloat32(TalkerCodecHeadFile.TensorName));
    }

    [Fact]
    public void ATokenEmbeddingWithFewerThanTheCodecRowsIsRefused()
    {
        var source = Path.Combine(_dir, "short.gguf");
        Rewrite(_talker.Gguf, source, embdRows: 3000, outputRows: 3000);

        var error = Assert.Throws<ModelFormatException>(() => TalkerRuntimeGguf.Prepare(source, _talker.CodecHead, Path.Combine(_dir, "cache")));

        Assert.Equal(source, error.FilePath);
        Assert.Equal("token_embd.weight", error.TensorName);
        Assert.Contains("expected [32, >= 3072]", error.Message);
        Assert.Contains("found [32, 3000]", error.Message);
        Assert.False(Directory.Exists(Path.Combine(_dir, "cache")) && Directory.EnumerateFiles(Path.Combine(_dir, "cache")).Any());
    }

    /// <summary>The tiny talker with token_embd/output padded by repeating their first rows, plus a stale vocab size and a text-tokenizer key.</summary>
    private string WritePadded(string target)
    {
        var rows = CodecTokenIds.TalkerVocabSize + PaddingRows;
        Rewrite(_talker.Gguf, target, rows, rows, writer =>
        {
            writer.AddUInt32("qwen3.vocab_size", (uint)rows);
            writer.AddUInt32("tokenizer.ggml.padding_token_id", 7);
        });
        return target;
    }

    /// <summary>Copies a talker GGUF with token_embd/output cut or padded to the given row counts.</summary>
    private static void Rewrite(string source, string target, int embdRows, int outputRows, Action<GgufWriter>? extra = null)
    {
        using var gguf = GgufFile.Open(source);
        var writer = new GgufWriter(gguf.Metadata.GetString("general.architecture"));
        foreach (var key in gguf.Metadata.Keys.Where(k => k != "general.architecture"))
        {
            writer.CopyMetadata(gguf.Metadata, key);
        }
        extra?.Invoke(writer);
        foreach (var tensor in gguf.Tensors)
        {
            var t = tensor;
            var rows = t.Name switch { "token_embd.weight" => embdRows, "output.weight" => outputRows, _ => -1 };
            if (rows < 0)
            {
                writer.AddTensorBytes(t.Name, t.Dimensions, t.Type, stream => stream.Write(gguf.GetTensorBytes(t)));
                continue;
            }
            writer.AddTensorBytes(t.Name, [t.RowLength, rows], t.Type, stream =>
            {
                var bytes = gguf.GetTensorBytes(t);
                for (long written = 0; written < rows;)
                {
                    var take = (int)Math.Min(rows - written, t.RowCount);
                    stream.Write(bytes[..checked((int)(take * t.RowByteSize))]);
                    written += take;
                }
            });
        }
        writer.WriteTo(target);
    }

    private static float[] ReadNpy(string path)
    {
        using var npy = NpyFile.Open(path);
        return npy.ReadAllFloat32();
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
