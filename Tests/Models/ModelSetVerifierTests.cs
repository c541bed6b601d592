using Qwen3Tts.Inference.Models.Store;
using Qwen3Tts.Inference.Synthetic;
using Qwen3Tts.Inference.Vocoder;

namespace Qwen3Tts.Tests.Models;

public sealed class ModelSetVerifierTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"qwen3-verify-{Guid.NewGuid():N}");

    [Fact]
    public async Task EveryRoleOfTheTinySyntheticSetLoadsThroughTheRealLoaders()
    {
        await SyntheticModelKit.WriteAsync(_dir, SyntheticPreset.Tiny, seed: 5);

        var checks = ModelSetVerifier.Verify(Store());

        Assert.Equal(ModelRoleNames.All.Count, checks.Count);
        Assert.All(checks, c => Assert.True(c.Ok, $"{c.Role}: {c.Detail}"));
        Assert.Contains("hidden 32", checks.Single(c => c.Role == ModelRole.Talker).Detail);
        Assert.Contains("native decoder", checks.Single(c => c.Role == ModelRole.Vocoder).Detail);
        var onnx = ModelSetVerifier.Verify(new ModelStore(new ModelStoreOptions { ModelsDirectory = _dir, Vocoder = VocoderEngine.Onnx }), [ModelRole.Vocoder]).Single();
        Assert.True(onnx.Ok, onnx.Detail);
        Assert.Contains("window 64 frames", onnx.Detail);
        Assert.Contains("voice cloning available", checks.Single(c => c.Role == ModelRole.Talker).Detail);
    }

    [Fact]
    public async Task ACorruptVocoderFailsOnlyThatRoleAndNamesTheFile()
    {
        await SyntheticModelKit.WriteAsync(_dir, SyntheticPreset.Tiny, seed: 5);
        var onnx = Path.Combine(_dir, "vocoder", "vocoder.onnx");
        await File.WriteAllBytesAsync(onnx, [1, 2, 3, 4, 5, 6, 7, 8]);

        var checks = ModelSetVerifier.Verify(new ModelStore(new ModelStoreOptions { ModelsDirectory = _dir, Vocoder = VocoderEngine.Onnx }));

        var vocoder = checks.Single(c => c.Role == ModelRole.Vocoder);
        Assert.False(vocoder.Ok);
        Assert.Contains(onnx, vocoder.Detail);
        Assert.All(checks.Where(c => c.Role != ModelRole.Vocoder), c => Assert.True(c.Ok, c.Detail));
        // The default (native) vocoder does not read the ONNX file at all.
        Assert.True(ModelSetVerifier.Verify(Store(), [ModelRole.Vocoder]).Single().Ok);
    }

    [Fact]
    public async Task ATruncatedPredictorGgufIsReportedWithItsPath()
    {
        await SyntheticModelKit.WriteAsync(_dir, SyntheticPreset.Tiny, seed: 5);
        var gguf = Path.Combine(_dir, "predictor", "code_predictor", "code-predictor-q8_0.gguf");
        var bytes = await File.ReadAllBytesAsync(gguf);
        await File.WriteAllBytesAsync(gguf, bytes.AsSpan(0, bytes.Length / 2).ToArray());

        var predictor = ModelSetVerifier.Verify(Store(), [ModelRole.Predictor]).Single();

        Assert.False(predictor.Ok);
        Assert.Contains(gguf, predictor.Detail);
    }

    private ModelStore Store() => new(new ModelStoreOptions { ModelsDirectory = _dir });

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }
}
