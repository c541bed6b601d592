namespace Qwen3Tts.Tests;

public class SmokeTests
{
    [Fact]
    public void EmbeddedTokenizerResourceIsPresent()
    {
        using var stream = typeof(Qwen3Tts.Inference.InferenceAssembly).Assembly.GetManifestResourceStream("Qwen3Tts.qwen3-tokenizer.json.gz");
        Assert.NotNull(stream);
        Assert.True(stream!.Length > 1_000_000);
    }
}
