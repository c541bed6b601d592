using Qwen3Tts.Inference;
using Qwen3Tts.Inference.Formats.Gguf;
using Qwen3Tts.Inference.Formats.Npy;
using Qwen3Tts.Inference.Models.Store;
using Qwen3Tts.Inference.Predictor;
using Qwen3Tts.Inference.Synthetic;
using Qwen3Tts.Inference.Talker;

namespace Qwen3Tts.Tests.Talker;

/// <summary>Model files that are wrong in one way each: every one is a clear error naming file and tensor.</summary>
public sealed class BadModelFileTests : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"qwen3-badfiles-{Guid.NewGuid():N}");

    public Task InitializeAsync() => SyntheticModelKit.WriteAsync(_dir, SyntheticPreset.Tiny, seed: 8);

    [Fact]
    public void ATalkerGgufWithTheWrongHeadCountNamesTheTensorAndBothShapes()
    {
        var path = Rewrite(Store().ResolveTalker().Gguf, metadata: ("qwen3.attention.head_count", 8u));

        var error = Assert.Throws<ModelFormatException>(() => TalkerRuntimeGguf.Prepare(path, Store().ResolveTalker().CodecHead, Path.Combine(_dir, "cache")));

        Assert.Equal(path, error.FilePath);
        Assert.Equal("blk.0.attn_q.weight", error.TensorName);
        Assert.Contains("expected shape [32, 128]", error.Message);
        Assert.Contains("found [32, 64]", error.Message);
        Assert.Contains("8 heads", error.Message);
    }

    [Fact]
    public void ATalkerGgufOfAnotherArchitectureOrMissingALayerIsRefused()
    {
        var talker = Store().ResolveTalker();
        var llama = Rewrite(talker.Gguf, architecture: "llama");
        var missing = Rewrite(talker.Gguf, dropTensor: "blk.1.ffn_up.weight");

        Assert.Contains("'qwen3' GGUF, this one is 'llama'", Assert.Throws<ModelFormatException>(() => TalkerRuntimeGguf.Prepare(llama, talker.CodecHead, Path.Combine(_dir, "c1"))).Message);
        Assert.Equal("blk.1.ffn_up.weight", Assert.Throws<ModelFormatException>(() => TalkerRuntimeGguf.Prepare(missing, talker.CodecHead, Path.Combine(_dir, "c2"))).TensorName);
    }

    [Fact]
    public void APredictorGgufWithTheWrongKvHeadCountOrAMissingHeadIsRefused()
    {
        var predictor = Store().ResolvePredictor();
        var original = predictor.Gguf;
        var wrongKv = Rewrite(original, metadata: ("qwen3-tts.attention.head_count_kv", 4u));
        var noHead = Rewrite(original, dropTensor: "code_pred.lm_head.3.weight");

        var kv = Assert.Throws<ModelFormatException>(() => CodePredictorLoader.Load(predictor with { Gguf = wrongKv }));
        Assert.Equal("code_pred.blk.0.attn_k.weight", kv.TensorName);
        Assert.Contains("4 kv heads", kv.Message);
        Assert.Equal("code_pred.lm_head.3.weight", Assert.Throws<ModelFormatException>(() => CodePredictorLoader.Load(predictor with { Gguf = noHead })).TensorName);
    }

    [Fact]
    public void ATextEmbeddingOfTheWrongWidthNamesTheFileAndShapes()
    {
        var talker = Store().ResolveTalker();
        NpyWriter.WriteFloat32Rows(talker.TextEmbedding, [151936, 9], (_, count, rows) => rows[..(count * 9)].Clear());

        var error = Assert.Throws<ModelFormatException>(() => TalkerEmbeddings.Load(talker));

        Assert.Contains(talker.TextEmbedding, error.Message);
        Assert.Contains("expected shape [151936, 8], found [151936, 9]", error.Message);
    }

    private ModelStore Store() => new(new ModelStoreOptions { ModelsDirectory = _dir });

    /// <summary>A copy of a GGUF with one metadata value changed, another architecture, or one tensor left out.</summary>
    private string Rewrite(string source, (string Key, uint Value)? metadata = null, string? architecture = null, string? dropTensor = null)
    {
        var target = Path.Combine(_dir, $"changed-{Guid.NewGuid():N}.gguf");
        using var gguf = GgufFile.Open(source);
        var arch = gguf.Metadata.GetString("general.architecture");
        var writer = new GgufWriter(architecture ?? arch);
        foreach (var key in gguf.Metadata.Keys.Where(k => k != "general.architecture"))
        {
            var newKey = architecture is not null && key.StartsWith(arch + ".", StringComparison.Ordinal) ? architecture + key[arch.Length..] : key;
            writer.CopyMetadataAs(gguf.Metadata, key, newKey);
        }
        if (metadata is { } m)
        {
            writer.AddUInt32(m.Key, m.Value);
        }
        foreach (var tensor in gguf.Tensors.Where(t => t.Name != dropTensor))
        {
            var t = tensor;
            writer.AddTensorBytes(t.Name, t.Dimensions, t.Type, stream => stream.Write(gguf.GetTensorBytes(t)));
        }
        writer.WriteTo(target);
        return target;
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }
}
