using System.Text;
using Qwen3Tts.Inference.Text;

namespace Qwen3Tts.Tests.Text;

public class Qwen3TextTokenizerTests
{
    // Expected ids were produced by an independent implementation: Hugging Face's
    // @huggingface/tokenizers 0.2.0 (npm, pure JS), loading the same tokenizer.json
    // (/work/shared/fixtures/qwen3-tokenizer/tokenizer.json, byte-identical to the bundled resource)
    // and calling encode(text, { add_special_tokens: false }).
    public static TheoryData<string, int[]> ReferenceEncodings => new()
    {
        { "Hello world", [9707, 1879] },
        { "你好世界", [108386, 99489] },
        { "<|im_start|>", [151644] },
        {
            "<|im_start|>assistant\nHello, how are you?<|im_end|>\n<|im_start|>assistant\n",
            [151644, 77091, 198, 9707, 11, 1246, 525, 498, 30, 151645, 198, 151644, 77091, 198]
        },
        {
            "Qwen3 说: 日本語のテキスト、한국어 텍스트 and English.",
            [48, 16948, 18, 220, 36587, 25, 75402, 21894, 102819, 15767, 56833, 61803, 70534, 5373, 23573, 124785, 31079, 10764, 44104, 53189, 323, 6364, 13]
        },
        {
            // ZWJ family sequence, a flag (regional indicators) and a skin-tone modifier.
            "Family: \U0001F468\u200D\U0001F469\u200D\U0001F467\u200D\U0001F466, flags \U0001F1E9\U0001F1EA, thumbs \U0001F44D\U0001F3FD!",
            [15192, 25, 61804, 101, 378, 235, 145233, 378, 235, 145665, 378, 235, 145988, 11, 8042, 11162, 229, 102, 145336, 11, 56849, 61804, 235, 145375, 0]
        },
        { "12345", [16, 17, 18, 19, 20] },
        { "Pi is 3.14159, year 2025.", [34767, 374, 220, 18, 13, 16, 19, 16, 20, 24, 11, 1042, 220, 17, 15, 17, 20, 13] },
        { "line one\nline two\r\nline\tthree  \n\n  end", [1056, 825, 198, 1056, 1378, 319, 1056, 197, 27856, 18611, 220, 835] },
        { "I'm sure they'll say we've done it, isn't it? DON'T", [40, 2776, 2704, 807, 3278, 1977, 582, 3003, 2814, 432, 11, 4436, 944, 432, 30, 44273, 17323] },
        { "Caf\u00e9 na\u00efve \u00c5ngstr\u00f6m", [34, 2577, 963, 94880, 586, 79252, 968, 495, 85584] },
        // The same words in NFD: the NFC normalizer must make them tokenize identically.
        { "Cafe\u0301 nai\u0308ve A\u030angstro\u0308m", [34, 2577, 963, 94880, 586, 79252, 968, 495, 85584] },
        // Not an added token in the plain Qwen3 tokenizer, so it is ordinary text there.
        { "<tts_pad>", [62752, 2576, 30290, 29] },
    };

    // Same reference implementation, loading the Qwen3 tokenizer.json with the seven Qwen3-TTS tokens appended.
    public static TheoryData<string, int[]> ReferenceTtsEncodings => new()
    {
        { "<tts_pad>", [151671] },
        { "<tts_text_bos>hello<tts_text_eod>", [151672, 14990, 151673] },
        { "<|audio_start|><|audio_pad|><|audio_end|>", [151669, 151675, 151670] },
        { "<|im_start|>assistant\n你好<tts_pad><|im_end|>\n", [151644, 77091, 198, 108386, 151671, 151645, 198] },
        { "Hello world", [9707, 1879] },
    };

    public static TheoryData<string> RoundTripTexts => new()
    {
        "Hello world",
        "Cafe\u0301 nai\u0308ve A\u030angstro\u0308m",
        "Family: \U0001F468\u200D\U0001F469\u200D\U0001F467\u200D\U0001F466 \U0001F1E9\U0001F1EA",
        "line one\nline two\r\nline\tthree  \n\n  end",
        "<|im_start|>assistant\n你好<tts_pad><|im_end|>\n",
        "Qwen3 说: 日本語のテキスト、한국어 텍스트",
    };

    [Theory]
    [MemberData(nameof(ReferenceEncodings))]
    public void BundledTokenizerMatchesHuggingFaceIds(string text, int[] expected)
    {
        Assert.Equal(expected, SharedTokenizers.Plain.Encode(text));
    }

    [Theory]
    [MemberData(nameof(ReferenceTtsEncodings))]
    public void TtsTokenizerMatchesHuggingFaceIds(string text, int[] expected)
    {
        Assert.Equal(expected, SharedTokenizers.Tts.Encode(text));
    }

    [Theory]
    [MemberData(nameof(RoundTripTexts))]
    public void DecodeOfEncodeIsTheNfcText(string text)
    {
        var tokenizer = SharedTokenizers.Tts;
        Assert.Equal(text.Normalize(NormalizationForm.FormC), tokenizer.Decode(tokenizer.Encode(text)));
    }

    [Fact]
    public void DigitRunsGiveOneIdPerDigit()
    {
        var ids = SharedTokenizers.Plain.Encode("9876543210");
        Assert.Equal(10, ids.Count);
        Assert.Equal(SharedTokenizers.Plain.Encode("9"), ids.Take(1));
    }

    [Fact]
    public void VocabularySizeCoversBpeAndAddedTokens()
    {
        Assert.Equal(151669, SharedTokenizers.Plain.VocabularySize);
        Assert.Equal(151676, SharedTokenizers.Tts.VocabularySize);
    }

    [Fact]
    public void AddedTokensAreLookedUpByExactContent()
    {
        Assert.True(SharedTokenizers.Tts.TryGetAddedTokenId("<tts_pad>", out var pad));
        Assert.Equal(151671, pad);
        Assert.True(SharedTokenizers.Tts.TryGetAddedTokenId("<think>", out var think));
        Assert.Equal(151667, think);
        Assert.False(SharedTokenizers.Plain.TryGetAddedTokenId("<tts_pad>", out _));
        Assert.False(SharedTokenizers.Tts.TryGetAddedTokenId("<TTS_PAD>", out _));
    }

    [Fact]
    public void EveryTtsTokenEncodesAsItsOwnId()
    {
        foreach (var (id, content) in BundledTokenizer.TtsAddedTokens)
        {
            Assert.Equal([id], SharedTokenizers.Tts.Encode(content));
            Assert.Equal(content, SharedTokenizers.Tts.Decode([id]));
        }
    }

    [Fact]
    public void DecodingAnIdOutsideTheVocabularyThrows()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => SharedTokenizers.Plain.Decode([9707, 151669]));
        Assert.Equal(151669, ex.ActualValue);
        Assert.Throws<ArgumentOutOfRangeException>(() => SharedTokenizers.Tts.Decode([-1]));
    }

    [Fact]
    public void ConcurrentEncodesGiveTheSameIdsAsSequentialOnes()
    {
        var tokenizer = SharedTokenizers.Tts;
        var texts = Enumerable.Range(0, 64)
            .Select(i => $"Sentence {i}: the quick brown fox {new string('x', i % 17)} jumps over 你好 {i * 7919} times.")
            .ToArray();
        var sequential = texts.Select(t => tokenizer.Encode(t).ToArray()).ToArray();

        var concurrent = new int[texts.Length][];
        Parallel.For(0, texts.Length * 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var ids = tokenizer.Encode(texts[i % texts.Length]).ToArray();
            concurrent[i % texts.Length] = ids;
            Assert.Equal(sequential[i % texts.Length], ids);
        });
        Assert.Equal(sequential, concurrent);
    }
}
