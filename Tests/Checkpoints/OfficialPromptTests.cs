using Qwen3Tts.Inference.Pipeline;
using Qwen3Tts.Inference.Prompt;
using Qwen3Tts.Inference.Talker;
using Qwen3Tts.Tests.Oracle;

namespace Qwen3Tts.Tests.Checkpoints;

/// <summary>
/// The prompt rows the engine builds for every official mode, against the reference port of generate():
/// prefill rows and the text track fed per frame, on the tiny official snapshots.
/// </summary>
[Collection(OfficialTinySetsCollection.Name)]
public sealed class OfficialPromptTests(OfficialTinySets sets)
{
    private const string Text = "Hello there, this is a test.";
    private const string RefText = "Reference words.";

    public static TheoryData<string> Modes => new()
    {
        "base auto non-streaming",
        "base english streaming",
        "custom-voice ryan english",
        "custom-voice dylan chinese (beijing dialect)",
        "custom-voice eric auto (sichuan dialect)",
        "custom-voice dylan english (no dialect)",
        "custom-voice vivian with instructions",
        "custom-voice-0b6 serena",
        "voice-design with instructions",
        "voice-design streaming with instructions",
        "base x-vector only",
        "base icl non-streaming",
        "base icl streaming, text longer than the reference",
        "base icl streaming, text shorter than the reference",
    };

    [Theory]
    [MemberData(nameof(Modes))]
    public void EveryModeBuildsTheReferencePrompt(string mode)
    {
        var (set, request, reference) = Case(sets, mode);
        var engine = sets.Models(set).Talker;
        var oracle = sets.Oracle(set);

        var prompt = TalkerUtterance.BuildPrompt(engine, request);
        var expected = oracle.BuildPrompt(reference);

        Assert.Equal(expected.Prefill.Count, prompt.RowCount);
        for (var i = 0; i < prompt.RowCount; i++)
        {
            AssertRow(expected.Prefill[i], prompt.Row(i), $"prefill row {i}");
        }
        var trailing = Math.Max(expected.Trailing.Count, prompt.TextQueueCount) + 2;
        for (var k = 0; k < trailing; k++)
        {
            AssertRow(k < expected.Trailing.Count ? expected.Trailing[k] : expected.TtsPad, prompt.TextTrackRow(k), $"text track of step {k}");
        }
    }

    /// <summary>One mode as an engine request and as the reference's request (the official wrapper's inputs).</summary>
    internal static (string Set, SynthesisRequest Request, OfficialReference.Request Reference) Case(OfficialTinySets sets, string mode)
    {
        var words = mode.Split(' ');
        var set = words[0] switch
        {
            "base" => sets.Base,
            "custom-voice" => sets.CustomVoice,
            "custom-voice-0b6" => sets.CustomVoice06B,
            _ => sets.VoiceDesign,
        };
        var tokenizer = sets.Models(set).Talker.Tokenizer;
        var languages = new[] { "english", "chinese", "auto" };
        var language = words.FirstOrDefault(languages.Contains) ?? "auto";
        var speaker = words[0].StartsWith("custom-voice", StringComparison.Ordinal) ? words[1] : null;
        var instructions = mode.Contains("instructions", StringComparison.Ordinal) ? "Speak slowly, with a warm and low voice." : null;
        var streaming = mode.Contains("streaming", StringComparison.Ordinal) && !mode.Contains("non-streaming", StringComparison.Ordinal);
        var text = mode.Contains("shorter", StringComparison.Ordinal) ? "Hi." : Text;

        VoiceReference? voice = null;
        float[]? xvector = null;
        long[][]? refCode = null;
        if (mode.Contains("x-vector", StringComparison.Ordinal) || mode.Contains("icl", StringComparison.Ordinal))
        {
            var random = new Random(mode.Length);
            xvector = Enumerable.Range(0, 64).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            if (mode.Contains("icl", StringComparison.Ordinal))
            {
                var frames = mode.Contains("shorter", StringComparison.Ordinal) ? 12 : 3;
                refCode = Enumerable.Range(0, frames).Select(_ => Enumerable.Range(0, 16).Select(_ => (long)random.Next(2048)).ToArray()).ToArray();
            }
            voice = new VoiceReference(refCode?.SelectMany(f => f).ToArray() ?? [], refCode is null ? null : RefText, xvector);
        }

        var request = new SynthesisRequest(text, language, voice, Seed: 1, Layout: streaming ? PromptLayout.StreamingText : PromptLayout.NonStreaming)
        {
            Speaker = speaker,
            Instructions = instructions,
        };
        var reference = new OfficialReference.Request(
            [.. tokenizer.Encode($"<|im_start|>assistant\n{text}<|im_end|>\n<|im_start|>assistant\n")],
            language,
            speaker,
            instructions is null ? null : [.. tokenizer.Encode($"<|im_start|>user\n{instructions}<|im_end|>\n")],
            NonStreaming: !streaming,
            RefIds: refCode is null ? null : [.. tokenizer.Encode($"<|im_start|>assistant\n{RefText}<|im_end|>\n")],
            RefCode: refCode,
            SpeakerEmbedding: xvector);
        return (set, request, reference);
    }

    private static void AssertRow(double[] expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double error = 0, norm = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            error += (actual[i] - expected[i]) * (actual[i] - expected[i]);
            norm += expected[i] * expected[i];
        }
        Assert.True(Math.Sqrt(error / Math.Max(norm, 1e-30)) < 1e-5, $"{what}: relative RMS error {Math.Sqrt(error / Math.Max(norm, 1e-30)):E2}");
    }
}
