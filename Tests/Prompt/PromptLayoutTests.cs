using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Prompt;

namespace Qwen3Tts.Tests.Prompt;

/// <summary>Every prompt row against qwen3-tts-model.md §1.6 (and the seed's layouts, seed notes §2.3).</summary>
public sealed class PromptLayoutTests
{
    private static readonly int[] Text = [9707, 1879, 11, 1052];
    private static readonly int[] RefText = [3555, 374];

    private readonly TaggedEmbeddings _e = new();

    private float[] Pad => _e.T(TextTokenIds.TtsPad);

    private float[] Bos => _e.T(TextTokenIds.TtsBos);

    private float[] Eos => _e.T(TextTokenIds.TtsEos);

    [Fact]
    public void OfficialNonStreamingAutoIsRoleControlTextEosBos()
    {
        var prompt = Build(new PromptRequest(Text));

        var expected = Role()
            .Concat(AutoControl())
            .Concat(Text.Select(t => TaggedEmbeddings.Sum(_e.T(t), _e.C(CodecTokenIds.Pad))))
            .Append(TaggedEmbeddings.Sum(Eos, _e.C(CodecTokenIds.Pad)))
            .Append(TaggedEmbeddings.Sum(Pad, _e.C(CodecTokenIds.Bos)));
        AssertRows(expected, prompt);
        Assert.Equal(Text.Length + 9, prompt.RowCount);
        Assert.Equal(0, prompt.TextQueueCount);
        AssertRow(Pad, prompt.TextTrackRow(0));
        AssertRow(Pad, prompt.TextTrackRow(100));
    }

    [Fact]
    public void ALanguageUsesTheFourRowThinkBlockWithItsId()
    {
        var prompt = Build(new PromptRequest(Text, "English"));

        var control = new[] { CodecTokenIds.Think, CodecTokenIds.ThinkBos, 2050, CodecTokenIds.ThinkEos }
            .Select(id => TaggedEmbeddings.Sum(Pad, _e.C(id)))
            .Append(TaggedEmbeddings.Sum(Bos, _e.C(CodecTokenIds.Pad)));
        AssertRows(Role().Concat(control), prompt, count: 8);
        Assert.Equal(Text.Length + 10, prompt.RowCount);
    }

    [Fact]
    public void ASpeakerVectorIsItsOwnRowAfterTheControlBlock()
    {
        var speaker = Enumerable.Range(0, _e.HiddenSize).Select(i => i * 0.01f).ToArray();
        var voice = new VoiceReference(new long[16], null, speaker);
        var prompt = Build(new PromptRequest(Text, "chinese", Voice: voice));

        var control = new[] { CodecTokenIds.Think, CodecTokenIds.ThinkBos, 2055, CodecTokenIds.ThinkEos }.Select(id => TaggedEmbeddings.Sum(Pad, _e.C(id)));
        var expected = Role().Concat(control)
            .Append(TaggedEmbeddings.Sum(Pad, speaker))
            .Append(TaggedEmbeddings.Sum(Bos, _e.C(CodecTokenIds.Pad)));
        AssertRows(expected, prompt, count: 9);
    }

    [Fact]
    public void StreamingTextFeedsOneTokenPerFrameThenEosThenPad()
    {
        var prompt = Build(new PromptRequest(Text, Layout: PromptLayout.StreamingText));

        var expected = Role().Concat(AutoControl()).Append(TaggedEmbeddings.Sum(_e.T(Text[0]), _e.C(CodecTokenIds.Bos)));
        AssertRows(expected, prompt);
        Assert.Equal(8, prompt.RowCount);
        Assert.Equal(Text.Length, prompt.TextQueueCount);
        for (var k = 0; k < Text.Length - 1; k++)
        {
            AssertRow(_e.T(Text[k + 1]), prompt.TextTrackRow(k));
        }
        AssertRow(Eos, prompt.TextTrackRow(Text.Length - 1));
        AssertRow(Pad, prompt.TextTrackRow(Text.Length));
    }

    [Fact]
    public void InContextNonStreamingPutsAllTextThenTheReferenceFrames()
    {
        var voice = Voice(frames: 3, "ref");
        var prompt = Build(new PromptRequest(Text, Voice: voice, ReferenceTextTokens: RefText));

        var x = RefText.Concat(Text).Select(_e.T).Append(Eos).ToArray();
        var y = FramesTrack(voice);
        var expected = Role().Concat(AutoControl())
            .Concat(x.Select(v => TaggedEmbeddings.Sum(v, _e.C(CodecTokenIds.Pad))))
            .Concat(y.Select(v => TaggedEmbeddings.Sum(v, Pad)));
        AssertRows(expected, prompt);
        Assert.Equal(7 + x.Length + y.Length, prompt.RowCount);
        Assert.Equal(0, prompt.TextQueueCount);
    }

    [Fact]
    public void InContextStreamingWithMoreTextThanFramesQueuesTheRest()
    {
        var voice = Voice(frames: 2, "ref");
        var prompt = Build(new PromptRequest(Text, Layout: PromptLayout.StreamingText, Voice: voice, ReferenceTextTokens: RefText));

        var x = RefText.Concat(Text).Select(_e.T).Append(Eos).ToArray(); // T1 = 7
        var y = FramesTrack(voice);                                        // T2 = 3
        var expected = Role().Concat(AutoControl()).Concat(y.Select((v, j) => TaggedEmbeddings.Sum(x[j], v)));
        AssertRows(expected, prompt);
        Assert.Equal(7 + y.Length, prompt.RowCount);
        Assert.Equal(x.Length - y.Length, prompt.TextQueueCount);
        for (var k = 0; k < prompt.TextQueueCount; k++)
        {
            AssertRow(x[y.Length + k], prompt.TextTrackRow(k));
        }
    }

    [Fact]
    public void InContextStreamingWithMoreFramesThanTextPadsTheText()
    {
        var voice = Voice(frames: 9, "ref");
        var prompt = Build(new PromptRequest(Text, Layout: PromptLayout.StreamingText, Voice: voice, ReferenceTextTokens: RefText));

        var x = RefText.Concat(Text).Select(_e.T).Append(Eos).ToArray(); // T1 = 7
        var y = FramesTrack(voice);                                        // T2 = 10
        var expected = Role().Concat(AutoControl()).Concat(y.Select((v, j) => TaggedEmbeddings.Sum(j < x.Length ? x[j] : Pad, v)));
        AssertRows(expected, prompt);
        Assert.Equal(7 + y.Length, prompt.RowCount);
        Assert.Equal(0, prompt.TextQueueCount);
    }

    [Fact]
    public void SeedConventionIgnoresLanguageAndSpeaker()
    {
        var speaker = new float[_e.HiddenSize];
        speaker[0] = 5;
        var voice = Voice(frames: 2, "ref", speaker);
        var seed = Build(new PromptRequest(Text, "japanese", Convention: PromptConvention.Seed, Voice: voice, ReferenceTextTokens: RefText));
        var official = Build(new PromptRequest(Text, "auto", Voice: new VoiceReference(voice.Codes, "ref"), ReferenceTextTokens: RefText));

        // The seed's ICL layout (seed notes §2.3) is the official non-streaming one with auto language and no x-vector row.
        Assert.Equal(official.RowCount, seed.RowCount);
        AssertRows(Enumerable.Range(0, official.RowCount).Select(i => official.Row(i).ToArray()), seed);
    }

    [Theory]
    [InlineData("EN", "english")]
    [InlineData("zh", "chinese")]
    [InlineData(" Auto ", "auto")]
    [InlineData(null, "auto")]
    [InlineData("Portuguese", "portuguese")]
    public void LanguagesMatchByNameOrCodeInAnyCase(string? input, string expected) => Assert.Equal(expected, TtsLanguage.Normalize(input));

    [Fact]
    public void BadRequestsAreRefusedWithTheReason()
    {
        var builder = new PromptBuilder(_e);
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => builder.Build(new PromptRequest([]))).Message);
        var language = Assert.Throws<ArgumentException>(() => builder.Build(new PromptRequest(Text, "klingon")));
        Assert.Contains("klingon", language.Message);
        Assert.Contains("english", language.Message);
        var speaker = new VoiceReference(new long[16], null, new float[_e.HiddenSize + 1]);
        Assert.Contains("speaker embedding", Assert.Throws<ArgumentException>(() => builder.Build(new PromptRequest(Text, Voice: speaker))).Message);
        Assert.Throws<ArgumentException>(() => new VoiceReference(new long[15], null));
        Assert.Contains("frame 1, codebook 2", Assert.Throws<ArgumentException>(() => new VoiceReference(Enumerable.Range(0, 32).Select(i => i == 18 ? 2048L : 0L).ToArray(), null)).Message);
    }

    private TalkerPrompt Build(PromptRequest request) => new PromptBuilder(_e).Build(request);

    private IEnumerable<float[]> Role() => new[] { TextTokenIds.ImStart, TextTokenIds.Assistant, TextTokenIds.Newline }.Select(_e.T);

    private IEnumerable<float[]> AutoControl() =>
        new[] { CodecTokenIds.NoThink, CodecTokenIds.ThinkBos, CodecTokenIds.ThinkEos }
            .Select(id => TaggedEmbeddings.Sum(Pad, _e.C(id)))
            .Append(TaggedEmbeddings.Sum(Bos, _e.C(CodecTokenIds.Pad)));

    private VoiceReference Voice(int frames, string? text, float[]? speaker = null) =>
        new(Enumerable.Range(0, frames * 16).Select(i => (long)((i * 131 + 7) % 2048)).ToArray(), text, speaker);

    /// <summary>Y = [C(codec_bos)] ++ [Σ_k E_k(frame[k])] per reference frame.</summary>
    private float[][] FramesTrack(VoiceReference voice) =>
        Enumerable.Range(0, voice.FrameCount)
            .Select(f => TaggedEmbeddings.Sum(Enumerable.Range(0, 16).Select(k => _e.E(k, (int)voice.Codes[f * 16 + k])).ToArray()))
            .Prepend(_e.C(CodecTokenIds.Bos))
            .ToArray();

    private static void AssertRows(IEnumerable<float[]> expected, TalkerPrompt prompt, int? count = null)
    {
        var rows = expected.ToArray();
        Assert.True(rows.Length <= prompt.RowCount, $"expected at least {rows.Length} rows, prompt has {prompt.RowCount}");
        for (var i = 0; i < (count ?? rows.Length); i++)
        {
            AssertRow(rows[i], prompt.Row(i), i);
        }
    }

    private static void AssertRow(float[] expected, ReadOnlySpan<float> actual, int row = -1)
    {
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(MathF.Abs(expected[i] - actual[i]) < 1e-5f, $"row {row}, value {i}: expected {expected[i]}, got {actual[i]}");
        }
    }
}
