using Qwen3Tts.Inference.Pipeline;

namespace Qwen3Tts.Tests.Pipeline;

[Collection(TinyModelsCollection.Name)]
public sealed class SynthesisDeterminismTests(TinyModelsFixture fixture)
{
    private static SynthesisRequest Request(ulong seed) => new("Hello world, this is a test.", "english", Seed: seed);

    [Fact]
    public async Task SameSeedGivesBitIdenticalSamplesTwiceAndAcrossLoads()
    {
        var synthesizer = new SpeechSynthesizer(fixture.Models);
        var first = await synthesizer.SynthesizeAsync(Request(7));
        var second = await synthesizer.SynthesizeAsync(Request(7));
        using var reloaded = fixture.Load();
        var third = await new SpeechSynthesizer(reloaded).SynthesizeAsync(Request(7));

        Assert.True(first.Samples.Length > 0);
        Assert.Equal(first.Samples, second.Samples);
        Assert.Equal(first.Samples, third.Samples);
        Assert.Equal(first.Frames, third.Frames);
    }

    [Fact]
    public async Task DifferentSeedGivesDifferentSamples()
    {
        var synthesizer = new SpeechSynthesizer(fixture.Models);
        var a = await synthesizer.SynthesizeAsync(Request(7));
        var b = await synthesizer.SynthesizeAsync(Request(8));
        Assert.NotEqual(a.Samples, b.Samples);
    }

    [Fact]
    public async Task SamplesAreFramesTimes1920FiniteAndWithinUnitRange()
    {
        var result = await new SpeechSynthesizer(fixture.Models).SynthesizeAsync(Request(11));
        Assert.True(result.Frames > 0);
        Assert.Equal(result.Frames * 1920, result.Samples.Length);
        Assert.All(result.Samples, s => Assert.True(float.IsFinite(s) && s is >= -1f and <= 1f, $"sample {s} out of range"));
    }
}
