using Qwen3Tts.Inference.Checkpoints;
using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Predictor;
using Qwen3Tts.Inference.Qwen3;
using Qwen3Tts.Tests.Oracle;
using Qwen3Tts.Tests.Text;

namespace Qwen3Tts.Tests.Checkpoints;

/// <summary>Every variant of a tiny official snapshot loads into the same engines as the seed layout and computes what the official code does.</summary>
[Collection(OfficialTinySetsCollection.Name)]
public sealed class OfficialLoadingTests(OfficialTinySets sets)
{
    public static TheoryData<string> Variants => new() { "base", "custom-voice", "voice-design", "custom-voice-0b6" };

    private string Set(string name) => name switch
    {
        "base" => sets.Base,
        "custom-voice" => sets.CustomVoice,
        "voice-design" => sets.VoiceDesign,
        _ => sets.CustomVoice06B,
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void EveryVariantLoadsWithItsOwnIdsAndTheRightPredictorShape(string variant)
    {
        var models = sets.Models(Set(variant));
        var talker = models.Talker;

        Assert.Equal(ModelSetLayout.Official, talker.Capabilities.Layout);
        Assert.Equal(64, talker.Model.HiddenSize);
        Assert.Equal(3072, talker.Model.VocabSize);
        Assert.Equal(2150, talker.Ids.CodecEos);
        Assert.Equal(16, talker.Embeddings.TextHiddenSize);
        Assert.True(talker.Embeddings.SupportsVoiceClone);
        Assert.Equal(64, models.Predictor.HiddenSize);
        if (variant == "custom-voice-0b6")
        {
            Assert.Null(models.Predictor.InputProjection);
            Assert.Equal(64, models.Predictor.StackHiddenSize);
        }
        else
        {
            Assert.Equal((32, 64), (models.Predictor.InputProjection!.OutputWidth, models.Predictor.InputProjection.InputWidth));
            Assert.Equal(32, models.Predictor.StackHiddenSize);
        }
        Assert.True(File.Exists(Path.Combine(Set(variant), ".runtime", TalkerGgufConverter.RuntimeFileName(WeightPrecision.F32))));
    }

    [Fact]
    public void TheTokenizerFromVocabAndMergesMatchesTheBundledTokenizerJson()
    {
        var tokenizer = sets.Models(sets.Base).Talker.Tokenizer;
        foreach (var text in new[] { "Hello world", "<|im_start|>assistant\n你好<tts_pad><|im_end|>\n", "Numbers 1234 and émigré" })
        {
            Assert.Equal(SharedTokenizers.Tts.Encode(text), tokenizer.Encode(text));
        }
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task TheF32TalkerMatchesTheReferenceForwardOnTheOfficialPrompt(string variant)
    {
        var set = Set(variant);
        var models = sets.Models(set);
        var oracle = sets.Oracle(set);
        var request = new OfficialReference.Request(
            [.. models.Talker.Tokenizer.Encode("<|im_start|>assistant\nHello there.<|im_end|>\n<|im_start|>assistant\n")],
            Speaker: variant.StartsWith("custom-voice", StringComparison.Ordinal) ? "ryan" : null);
        var prompt = oracle.BuildPrompt(request);
        var rows = prompt.Prefill.SelectMany(r => r.Select(v => (float)v)).ToArray();

        await using var session = await models.Talker.Model.OpenSessionAsync();
        var output = await session.PrefillAsync(rows, prompt.Prefill.Count);
        var expected = oracle.TalkerLast(prompt.Prefill);

        AssertClose(expected, output.Hidden, 1e-3, "hidden");
    }

    [Theory]
    [InlineData(WeightPrecision.Q4_0, WeightFormat.Q4_0, WeightFormat.Q8_0)]
    [InlineData(WeightPrecision.Q8_0, WeightFormat.Q8_0, WeightFormat.Q8_0)]
    [InlineData(WeightPrecision.BF16, WeightFormat.BFloat16, WeightFormat.BFloat16)]
    [InlineData(WeightPrecision.F16, WeightFormat.Float16, WeightFormat.Float16)]
    public void ThePredictorHoldsItsMatricesInTheRequestedPrecision(WeightPrecision precision, WeightFormat stack, WeightFormat heads)
    {
        using var checkpoint = OfficialCheckpoint.Open(OfficialTinySets.Store(sets.Base).ResolveOfficial());
        var weights = OfficialPredictorLoader.Load(checkpoint, precision);

        var layer = weights.Stack.Layers[0];
        Assert.All(new[] { layer.Q, layer.K, layer.V, layer.O, layer.Gate, layer.Up, layer.Down }, m => Assert.Equal(stack, m.Format));
        Assert.All(weights.LmHeads, m => Assert.Equal(heads, m.Format));
        Assert.Equal(heads, weights.InputProjection!.Weight.Format);
        // And the engine runs on them: a frame gives 15 codes of the codebook.
        var codes = new int[15];
        new CodePredictorSession(weights).PredictFrame(new float[weights.HiddenSize], 7, new GreedySubCodeSampler(), codes, new float[weights.HiddenSize]);
        Assert.All(codes, c => Assert.InRange(c, 0, 2047));
    }

    [Theory]
    [InlineData("base")]
    [InlineData("custom-voice-0b6")]
    public void TheF32PredictorWithItsProjectionMatchesTheReference(string variant)
    {
        var set = Set(variant);
        var weights = sets.Models(set).Predictor;
        var oracle = sets.Oracle(set);
        var random = new Random(5);
        var session = new CodePredictorSession(weights);
        var ties = 0;
        for (var trial = 0; trial < 4; trial++)
        {
            var hidden = Enumerable.Range(0, weights.HiddenSize).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            var code0 = random.Next(2048);
            var codes = new int[15];
            var feedback = new float[weights.HiddenSize];
            session.PredictFrame(hidden, code0, new GreedySubCodeSampler(), codes, feedback);
            var expected = oracle.PredictFrame(hidden.Select(v => (double)v).ToArray(), code0);
            for (var g = 0; g < 15; g++)
            {
                if (expected[g].Code != codes[g])
                {
                    // A different choice is only acceptable at a near-tie, and then the rest of the frame diverges.
                    Assert.True(expected[g].Margin < NearTie.Margin, $"trial {trial}, codebook {g + 1}: {codes[g]} vs reference {expected[g].Code} (margin {expected[g].Margin})");
                    ties++;
                    break;
                }
            }
        }
        Assert.True(ties <= 1, $"{ties} near-tie forks in 4 frames");
    }

    private static void AssertClose(double[] expected, float[] actual, double relativeRms, string what)
    {
        double error = 0, norm = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            error += (actual[i] - expected[i]) * (actual[i] - expected[i]);
            norm += expected[i] * expected[i];
        }
        Assert.True(Math.Sqrt(error / norm) < relativeRms, $"{what}: relative RMS error {Math.Sqrt(error / norm):E2}");
    }
}
