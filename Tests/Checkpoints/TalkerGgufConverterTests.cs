using Qwen3Tts.Inference;
using Qwen3Tts.Inference.Checkpoints;
using Qwen3Tts.Inference.Formats.Gguf;
using Qwen3Tts.Inference.Formats.Safetensors;
using Qwen3Tts.Inference.Models.Store;
using Qwen3Tts.Inference.Talker;

namespace Qwen3Tts.Tests.Checkpoints;

/// <summary>The safetensors → runtime talker GGUF conversion: content, cache keying, atomicity, progress.</summary>
[Collection(OfficialTinySetsCollection.Name)]
public sealed class TalkerGgufConverterTests(OfficialTinySets sets)
{
    [Fact]
    public void TheF32RuntimeGgufHoldsTheSafetensorsValuesUnderLlamaCppNames()
    {
        var copy = sets.Copy(sets.Base, "convert");
        using var checkpoint = Open(copy);
        var path = TalkerGgufConverter.Prepare(checkpoint, WeightPrecision.F32);

        using var gguf = GgufFile.Open(path);
        using var source = SafetensorsFile.Open(Path.Combine(copy, "model.safetensors"));
        Assert.Equal("qwen3", gguf.Metadata.GetString("general.architecture"));
        Assert.Equal(64u, gguf.Metadata.GetUInt32("qwen3.embedding_length"));
        Assert.Equal(2u, gguf.Metadata.GetUInt32("qwen3.block_count"));
        Assert.Equal(257, gguf.Metadata.GetStringArray("tokenizer.ggml.tokens").Length);
        // llama.cpp's vocabulary is a stub of the first rows; the codec head is the file beside it, whole.
        foreach (var (gguName, sourceName) in new[] { ("token_embd.weight", OfficialTensorNames.CodecEmbedding), ("output.weight", OfficialTensorNames.CodecHead) })
        {
            Assert.Equal(source.ReadFloat32(sourceName).AsSpan(0, 257 * 64).ToArray(), gguf.ReadFloat32(gguName));
            Assert.Equal(new long[] { 64, 257 }, gguf.GetTensor(gguName).Dimensions);
        }
        using (var head = GgufFile.Open(TalkerCodecHeadFile.PathFor(path)))
        {
            Assert.Equal(source.ReadFloat32(OfficialTensorNames.CodecHead), head.ReadFloat32(TalkerCodecHeadFile.TensorName));
            Assert.Equal(source.GetTensor(OfficialTensorNames.CodecHead).Shape.Reverse(), head.GetTensor(TalkerCodecHeadFile.TensorName).Dimensions);
        }
        foreach (var (gguName, sourceName) in new[]
                 {
                     ("output_norm.weight", OfficialTensorNames.TalkerNorm),
                     ("blk.1.attn_q.weight", "talker.model.layers.1.self_attn.q_proj.weight"),
                     ("blk.0.attn_k_norm.weight", "talker.model.layers.0.self_attn.k_norm.weight"),
                     ("blk.0.ffn_down.weight", "talker.model.layers.0.mlp.down_proj.weight"),
                     ("blk.1.ffn_norm.weight", "talker.model.layers.1.post_attention_layernorm.weight"),
                 })
        {
            Assert.Equal(source.ReadFloat32(sourceName), gguf.ReadFloat32(gguName));
            Assert.Equal(source.GetTensor(sourceName).Shape.Reverse(), gguf.GetTensor(gguName).Dimensions);
        }
    }

    [Fact]
    public void TheRuntimeFileIsReusedUntilTheSourceOrThePrecisionChanges()
    {
        var copy = sets.Copy(sets.Base, "reuse");
        using var checkpoint = Open(copy);
        var q8 = TalkerGgufConverter.Prepare(checkpoint, WeightPrecision.Q8_0);
        var written = File.GetLastWriteTimeUtc(q8);
        var reports = new List<ConversionProgress>();

        Assert.Equal(q8, TalkerGgufConverter.Prepare(checkpoint, WeightPrecision.Q8_0, progress: new Recorder(reports)));
        Assert.Equal(written, File.GetLastWriteTimeUtc(q8));
        Assert.Empty(reports);

        var q4 = TalkerGgufConverter.Prepare(checkpoint, WeightPrecision.Q4_0, progress: new Recorder(reports));
        Assert.NotEqual(q8, q4);
        Assert.True(File.Exists(q8));
        Assert.Equal(GgmlType.Q4_0, GgufFile.Open(q4) is var f ? Using(f, g => g.GetTensor("blk.0.attn_q.weight").Type) : default);
        Assert.NotEmpty(reports);
        Assert.Equal(1.0, reports[^1].Fraction);

        // A replaced source (new mtime) is converted again.
        File.SetLastWriteTimeUtc(Path.Combine(copy, "model.safetensors"), DateTime.UtcNow.AddMinutes(-5));
        using var again = Open(copy);
        TalkerGgufConverter.Prepare(again, WeightPrecision.Q8_0);
        Assert.NotEqual(written, File.GetLastWriteTimeUtc(q8));
    }

    [Fact]
    public void ACancelledConversionLeavesNoFileAndAKilledOnesTemporaryIsCleanedUp()
    {
        var copy = sets.Copy(sets.Base, "cancel");
        var runtime = Path.Combine(copy, ".runtime");
        Directory.CreateDirectory(runtime);
        var stale = Path.Combine(runtime, $".{TalkerGgufConverter.RuntimeFileName(WeightPrecision.F16)}.0123abcd.tmp");
        File.WriteAllBytes(stale, new byte[100]);
        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow.AddHours(-1));
        using var checkpoint = Open(copy);
        using var cancel = new CancellationTokenSource();

        Assert.ThrowsAny<OperationCanceledException>(() =>
            TalkerGgufConverter.Prepare(checkpoint, WeightPrecision.F16, progress: new Recorder([], _ => cancel.Cancel()), cancellationToken: cancel.Token));

        Assert.Empty(Directory.EnumerateFiles(runtime));
    }

    [Fact]
    public void ATruncatedSafetensorsIsAClearErrorAndNoRuntimeFileAppears()
    {
        var copy = sets.Copy(sets.Base, "truncated");
        var weights = Path.Combine(copy, "model.safetensors");
        using (var stream = new FileStream(weights, FileMode.Open))
        {
            stream.SetLength(stream.Length / 2);
        }

        var error = Assert.Throws<ModelFormatException>(() => ModelSetLoader.LoadTalker(OfficialTinySets.Store(copy), new TalkerOptions()));

        Assert.Contains("model.safetensors", error.Message);
        Assert.Contains("truncated", error.Message);
        Assert.False(Directory.Exists(Path.Combine(copy, ".runtime")) && Directory.EnumerateFiles(Path.Combine(copy, ".runtime")).Any());
    }

    [Theory]
    [InlineData(WeightPrecision.BF16)]
    [InlineData(WeightPrecision.F16)]
    [InlineData(WeightPrecision.Q4_0)]
    public async Task EveryPrecisionLoadsInLlamaCppAndDecodes(WeightPrecision precision)
    {
        var copy = sets.Copy(sets.Base, precision.CliName());
        using var engine = ModelSetLoader.LoadTalker(OfficialTinySets.Store(copy), new TalkerOptions { Quant = precision, MaxSequences = 1, ContextPerSequence = 64 });
        await using var session = await engine.Model.OpenSessionAsync();
        var output = await session.PrefillAsync(new float[3 * 64], 3);
        Assert.All(output.Logits, v => Assert.True(float.IsFinite(v)));
    }

    private static OfficialCheckpoint Open(string set) => OfficialCheckpoint.Open(OfficialTinySets.Store(set).ResolveOfficial());

    private static T Using<T>(GgufFile file, Func<GgufFile, T> read)
    {
        using (file)
        {
            return read(file);
        }
    }

    private sealed class Recorder(List<ConversionProgress> reports, Action<ConversionProgress>? onReport = null) : IProgress<ConversionProgress>
    {
        public void Report(ConversionProgress value)
        {
            reports.Add(value);
            onReport?.Invoke(value);
        }
    }
}
