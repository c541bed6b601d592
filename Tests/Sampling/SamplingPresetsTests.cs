using Qwen3Tts.Inference.Sampling;

namespace Qwen3Tts.Tests.Sampling;

public class SamplingPresetsTests
{
    [Fact]
    public void OfficialValuesMatchTheGenerationConfig()
    {
        Assert.Equal(new SamplingOptions(0.9f, 50, 1.0f, 1.05f, 0, 2, true), SamplingPresets.Official);
        Assert.Equal(new SamplingOptions(0.9f, 50, 1.0f, 1.0f, 0, 0, true), SamplingPresets.OfficialPredictor);
    }

    [Fact]
    public void SeedValuesMatchTheSeedSystem()
    {
        Assert.Equal(new SamplingOptions(0.8f, 50, 0.95f, 1.2f, 30, 0, true), SamplingPresets.SeedTalker);
        Assert.Equal(new SamplingOptions(0.1f, 50, 1.0f, 1.0f, 0, 0, true), SamplingPresets.SeedPredictor);
    }

    [Fact]
    public void LookupReturnsTalkerAndPredictorPairs()
    {
        Assert.Equal((SamplingPresets.Official, SamplingPresets.OfficialPredictor), SamplingPresets.For(SamplingPreset.Official));
        Assert.Equal((SamplingPresets.SeedTalker, SamplingPresets.SeedPredictor), SamplingPresets.For(SamplingPreset.Seed));
        Assert.Throws<ArgumentOutOfRangeException>(() => SamplingPresets.For((SamplingPreset)99));
    }

    [Theory]
    [InlineData("official", true, SamplingPreset.Official)]
    [InlineData(" SEED ", true, SamplingPreset.Seed)]
    [InlineData("1", false, SamplingPreset.Official)]
    [InlineData("greedy", true, SamplingPreset.Greedy)]
    [InlineData("beam", false, SamplingPreset.Official)]
    [InlineData("", false, SamplingPreset.Official)]
    [InlineData(null, false, SamplingPreset.Official)]
    public void PresetNamesParse(string? name, bool ok, SamplingPreset expected)
    {
        Assert.Equal(ok, SamplingPresets.TryParse(name, out var preset));
        if (ok)
        {
            Assert.Equal(expected, preset);
        }
    }

    [Fact]
    public void InvalidOptionsAreRejectedByName()
    {
        Assert.Equal("Temperature", Assert.Throws<ArgumentOutOfRangeException>(() => (SamplingPresets.Official with { Temperature = 0f }).Validate()).ParamName);
        Assert.Equal("TopK", Assert.Throws<ArgumentOutOfRangeException>(() => (SamplingPresets.Official with { TopK = -1 }).Validate()).ParamName);
        Assert.Equal("TopP", Assert.Throws<ArgumentOutOfRangeException>(() => (SamplingPresets.Official with { TopP = 0f }).Validate()).ParamName);
        Assert.Equal("TopP", Assert.Throws<ArgumentOutOfRangeException>(() => (SamplingPresets.Official with { TopP = 1.5f }).Validate()).ParamName);
        Assert.Equal("RepetitionPenalty", Assert.Throws<ArgumentOutOfRangeException>(() => (SamplingPresets.Official with { RepetitionPenalty = float.NaN }).Validate()).ParamName);
        Assert.Equal("RepetitionWindow", Assert.Throws<ArgumentOutOfRangeException>(() => (SamplingPresets.Official with { RepetitionWindow = -1 }).Validate()).ParamName);
        Assert.Equal("MinNewTokens", Assert.Throws<ArgumentOutOfRangeException>(() => (SamplingPresets.Official with { MinNewTokens = -1 }).Validate()).ParamName);
        (SamplingPresets.Official with { Temperature = 0f, DoSample = false }).Validate(); // greedy ignores temperature
    }
}
