using Qwen3Tts.Inference.Models.Store;
using Qwen3Tts.Inference.Pipeline;
using Qwen3Tts.Inference.Vocoder;
using Qwen3Tts.Inference.Prompt;
using Qwen3Tts.Inference.Talker;

namespace Qwen3Tts.Tests.Pipeline;

[Collection(TinyModelsCollection.Name)]
public sealed class SynthesisBadInputTests(TinyModelsFixture fixture)
{
    [Theory]
    [InlineData("")]
    [InlineData("   \t\n")]
    public async Task EmptyOrWhitespaceTextIsRejected(string text)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => new SpeechSynthesizer(fixture.Models).SynthesizeAsync(new SynthesisRequest(text, Seed: 1)));
        Assert.Contains("empty", error.Message);
    }

    [Fact]
    public async Task UnknownLanguageNamesTheSupportedOnes()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => new SpeechSynthesizer(fixture.Models).SynthesizeAsync(new SynthesisRequest("Hello", "klingon", Seed: 1)));
        Assert.Contains("klingon", error.Message);
        Assert.Contains("english", error.Message);
    }

    [Fact]
    public async Task TextLongerThanTheTalkerContextIsRejected()
    {
        using var small = fixture.Load(new TalkerOptions { ContextPerSequence = 64 });
        var text = string.Concat(Enumerable.Repeat("This sentence is far too long for a tiny context. ", 10));
        var error = await Assert.ThrowsAsync<ArgumentException>(() => new SpeechSynthesizer(small).SynthesizeAsync(new SynthesisRequest(text, Seed: 1)));
        Assert.Contains("too long", error.Message);
        Assert.Contains("64", error.Message);
    }

    [Fact]
    public void MissingVocoderFileIsListedByName()
    {
        var copy = fixture.CopyTo(Path.Combine(Path.GetTempPath(), $"qwen3tts-novocoder-{Guid.NewGuid():N}"));
        try
        {
            File.Delete(Path.Combine(copy, "vocoder", "vocoder.onnx"));
            var onnx = Assert.Throws<ModelFilesMissingException>(() =>
                LocalTtsModels.Load(fixture.Store(copy), vocoderOptions: new VocoderOptions { Engine = VocoderEngine.Onnx }));
            Assert.Equal(ModelRole.Vocoder, onnx.Role);
            Assert.Contains("vocoder.onnx", onnx.Message);
            Assert.Contains("--vocoder onnx", onnx.Message);

            File.Delete(Path.Combine(copy, "speech_tokenizer", "model.safetensors"));
            var native = Assert.Throws<ModelFilesMissingException>(() => LocalTtsModels.Load(fixture.Store(copy)));
            Assert.Equal(ModelRole.Vocoder, native.Role);
            Assert.Contains("model.safetensors", native.Message);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    [Theory]
    [InlineData(0)]    // no frames at all
    [InlineData(15)]   // not a whole frame of 16 codes
    public void VoiceCodesOfTheWrongShapeAreRejected(int count)
    {
        var error = Assert.Throws<ArgumentException>(() => new VoiceReference(new long[count], "reference"));
        Assert.Contains("16", error.Message);
    }

    [Fact]
    public void VoiceCodeOutOfRangeNamesFrameAndCodebook()
    {
        var codes = new long[32];
        codes[16 + 3] = 5000;
        var error = Assert.Throws<ArgumentException>(() => new VoiceReference(codes, "reference"));
        Assert.Contains("frame 1", error.Message);
        Assert.Contains("codebook 3", error.Message);
    }
}
