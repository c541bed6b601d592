using Qwen3Tts.Inference.Text;

namespace Qwen3Tts.Tests.Text;

public sealed class SentenceSplitterTests
{
    private static string[] Texts(IEnumerable<TextChunk> chunks) => [.. chunks.Select(c => c.Text)];

    [Fact]
    public void ATextWithinTheLimitIsOneChunk() =>
        Assert.Equal(["One. Two! Three?"], Texts(SentenceSplitter.Split("  One. Two! Three?  ", 100)));

    [Fact]
    public void SentencesArePackedUpToTheLimit() =>
        Assert.Equal(["First sentence. Second one.", "Third sentence here. Fourth."],
            Texts(SentenceSplitter.Split("First sentence. Second one. Third sentence here. Fourth.", 28)));

    [Fact]
    public void AbbreviationsDecimalsAndDomainsEndNoSentence() =>
        Assert.Equal(["Mr. Smith paid 3.14 dollars at example.com today.", "Then e.g. J. Doe left."],
            Texts(SentenceSplitter.Split("Mr. Smith paid 3.14 dollars at example.com today. Then e.g. J. Doe left.", 50)));

    [Fact]
    public void CjkPunctuationSplitsWithoutSpacesAndJoinsWithoutThem() =>
        Assert.Equal(["你好世界。今天天气很好！", "我们去公园吧？"],
            Texts(SentenceSplitter.Split("你好世界。今天天气很好！我们去公园吧？", 12)));

    [Fact]
    public void LineBreaksEndSentencesStayInTheChunkAndClosingQuotesStayWithTheirSentence() =>
        Assert.Equal(["A title\n\"Quoted.\"", "Next line"],
            Texts(SentenceSplitter.Split("A title\n\"Quoted.\" Next line", 20)));

    [Fact]
    public void AnOverLongSentenceIsCutAtClausesThenSpacesAndNeverExceedsTheLimit()
    {
        var sentence = "This sentence goes on, and on with many words; it has clauses: several of them " + string.Join(" ", Enumerable.Repeat("word", 40)) + ".";
        var chunks = SentenceSplitter.Split(sentence, 40);

        Assert.All(chunks, c => Assert.InRange(c.Text.Length, 1, 40));
        Assert.Equal("This sentence goes on,", chunks[0].Text);
        Assert.False(chunks[0].EndsSentence);
        Assert.True(chunks[^1].EndsSentence);
        Assert.Equal(Words(sentence), chunks.SelectMany(c => Words(c.Text)));
    }

    [Fact]
    public void AWordLongerThanTheLimitIsCutBetweenTextElements()
    {
        var chunks = SentenceSplitter.Split(new string('x', 25) + "e\u0301" + new string('y', 20), 26);

        Assert.All(chunks, c => Assert.InRange(c.Text.Length, 1, 26));
        Assert.Equal(new string('x', 25), chunks[0].Text);               // the accent stays with its letter
        Assert.StartsWith("e\u0301", chunks[1].Text);
    }

    [Fact]
    public void NothingIsLostOnALongMixedText()
    {
        var text = string.Concat(Enumerable.Range(0, 200).Select(i => i % 3 == 0 ? $"Sentence {i} ends here. " : i % 3 == 1 ? $"第{i}句话结束了。" : $"Line {i}\n"));
        var chunks = SentenceSplitter.Split(text, 120);

        Assert.True(chunks.Count > 10);
        Assert.All(chunks, c => Assert.InRange(c.Text.Length, 1, 120));
        Assert.Equal(text.Where(c => !char.IsWhiteSpace(c)), chunks.SelectMany(c => c.Text).Where(c => !char.IsWhiteSpace(c)));
    }

    private static string[] Words(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
