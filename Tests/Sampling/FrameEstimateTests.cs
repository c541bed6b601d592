using Qwen3Tts.Inference.Sampling;

namespace Qwen3Tts.Tests.Sampling;

public class FrameEstimateTests
{
    private const string Chinese20 = "今天天气很好我们出去散步吧你觉得怎么样呢"; // 20 code points
    private const string English40 = "The quick brown fox jumps over the lazy."; // 40 code points

    [Theory]
    [InlineData("zh")]
    [InlineData("ZH")]
    [InlineData("chinese")]
    [InlineData("Chinese")]
    [InlineData(" zh-CN ")]
    [InlineData("zh_TW")]
    public void ChineseNamesUseThreeFramesPerCharacter(string language)
    {
        Assert.Equal(60, FrameEstimate.Estimate(Chinese20, language));
    }

    [Theory]
    [InlineData("en")]
    [InlineData("EN")]
    [InlineData("english")]
    [InlineData("English")]
    [InlineData("en-US")]
    public void EnglishNamesUsePointSevenFramesPerCharacter(string language)
    {
        Assert.Equal(28, FrameEstimate.Estimate(English40, language));
    }

    [Theory]
    [InlineData("japanese")]
    [InlineData("fr")]
    [InlineData("klingon")]
    public void OtherLanguagesUseTwoFramesPerCharacter(string language)
    {
        Assert.Equal(80, FrameEstimate.Estimate(English40, language));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("auto")]
    [InlineData("Auto")]
    public void AutoGuessesFromTheScript(string? language)
    {
        Assert.Equal(60, FrameEstimate.Estimate(Chinese20, language));
        Assert.Equal(28, FrameEstimate.Estimate(English40, language));
        Assert.Equal(18, FrameEstimate.Estimate("こんにちはみなさん", language)); // kana: 9 × 2.0
        Assert.Equal(24, FrameEstimate.Estimate("1234567890!?", language)); // no letters: 12 × 2.0
    }

    [Fact]
    public void MixedTextFollowsTheMajorityScript()
    {
        // 6 Han + 4 Latin letters: Chinese rate over all 11 code points (the space counts).
        Assert.Equal(33, FrameEstimate.Estimate("我爱北京天安 Qwen", "auto"));
        // 2 Han + 8 Latin letters: English rate, ceil(11 × 0.7) = 8 -> minimum 10.
        Assert.Equal(10, FrameEstimate.Estimate("北京 Beijing!", null));
    }

    [Fact]
    public void CountsCodePointsNotUtf16Units()
    {
        // 12 emoji outside the BMP are 24 UTF-16 units but 12 characters: 12 × 2.0.
        Assert.Equal(24, FrameEstimate.Estimate(string.Concat(Enumerable.Repeat("\U0001F600", 12)), "other"));
    }

    [Fact]
    public void ShortTextsGetAtLeastTenFrames()
    {
        Assert.Equal(10, FrameEstimate.Estimate("Hi", "en"));
        Assert.Equal(10, FrameEstimate.Estimate("", null));
    }

    [Fact]
    public void RoundsUp()
    {
        Assert.Equal(11, FrameEstimate.Estimate(new string('a', 15), "en")); // 10.5 -> 11
    }
}
