using Qwen3Tts.Inference.Models.Store;

namespace Qwen3Tts.Tests.Store;

public class ModelRoleNamesTests
{
    [Theory]
    [InlineData("talker", ModelRole.Talker)]
    [InlineData("Predictor", ModelRole.Predictor)]
    [InlineData("speech-tokenizer", ModelRole.SpeechTokenizer)]
    [InlineData("speech_tokenizer", ModelRole.SpeechTokenizer)]
    public void ParsesRoleNamesAndDirectoryNames(string text, ModelRole expected)
    {
        Assert.True(ModelRoleNames.TryParseRole(text, out var role));
        Assert.Equal(expected, role);
    }

    [Theory]
    [InlineData("q8", PredictorQuant.Q8_0)]
    [InlineData("Q4_0", PredictorQuant.Q4_0)]
    public void ParsesQuantNames(string text, PredictorQuant expected)
    {
        Assert.True(ModelRoleNames.TryParseQuant(text, out var quant));
        Assert.Equal(expected, quant);
    }

    [Fact]
    public void RejectsUnknownNames()
    {
        Assert.False(ModelRoleNames.TryParseRole("encoder", out _));
        Assert.False(ModelRoleNames.TryParseQuant("f16", out _));
    }

    [Fact]
    public void ExpandsOnlyALeadingTilde()
    {
        var home = Environment.GetEnvironmentVariable("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

        Assert.Equal(Path.Combine(home, "models"), ModelStoreOptions.ExpandHome("~/models"));
        Assert.Equal(home, ModelStoreOptions.ExpandHome("~"));
        Assert.Equal("/srv/~models", ModelStoreOptions.ExpandHome("/srv/~models"));
        Assert.Equal("~user/models", ModelStoreOptions.ExpandHome("~user/models"));
    }

    [Theory]
    [InlineData("\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789ABCDEF\"", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("W/\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("\"da39a3ee5e6b4b0d3255bfef95601890afd80709\"", null)]
    [InlineData("\"not-a-hash-not-a-hash-not-a-hash-not-a-hash-not-a-hash-not-a-ha\"", null)]
    public void TreatsOnly64HexEtagsAsSha256(string etag, string? expected)
    {
        Assert.Equal(expected, HubFileMetadata.AsSha256(etag));
    }
}
