using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Predictor;
using Qwen3Tts.Inference.Qwen3;
using Qwen3Tts.Tests.Oracle;
using Qwen3Tts.Tests.Qwen3;

namespace Qwen3Tts.Tests.Predictor;

public class CodePredictorSessionTests
{
    private const int Hidden = 64;

    [Fact]
    public void GreedyFramesMatchTheOracleLoop()
    {
        var weights = RandomPredictor.Create(100, WeightFormat.Float32);
        var oracle = new CodePredictorReference(weights);
        var session = new CodePredictorSession(weights, RowParallelism.Sequential);
        var random = new Random(101);
        foreach (var code0 in new[] { 0, 777, 2047 })
        {
            var talkerHidden = RandomQwen3.Values(random, Hidden, 1.5f);
            var codes = new int[15];
            var feedback = new float[Hidden];
            session.PredictFrame(talkerHidden, code0, new GreedySubCodeSampler(), codes, feedback);

            var (expectedCodes, expectedFeedback) = oracle.PredictFrameGreedy(talkerHidden, code0);
            Assert.Equal(expectedCodes, codes);
            for (var i = 0; i < Hidden; i++)
            {
                Assert.Equal(expectedFeedback[i], feedback[i], 1e-4);
            }
        }
    }

    [Fact]
    public void EachFrameStartsFromAnEmptyCache()
    {
        var weights = RandomPredictor.Create(110, WeightFormat.Q8_0);
        var session = new CodePredictorSession(weights, RowParallelism.Sequential);
        var random = new Random(111);
        var hiddenA = RandomQwen3.Values(random, Hidden, 1f);
        var hiddenB = RandomQwen3.Values(random, Hidden, 1f);
        var first = new int[15];
        var again = new int[15];
        var feedbackFirst = new float[Hidden];
        var feedbackAgain = new float[Hidden];
        session.PredictFrame(hiddenA, 5, new SeededSampler(1), first, feedbackFirst);
        session.PredictFrame(hiddenB, 9, new SeededSampler(2), new int[15], new float[Hidden]);
        session.PredictFrame(hiddenA, 5, new SeededSampler(1), again, feedbackAgain);
        Assert.Equal(first, again);
        Assert.Equal(feedbackFirst, feedbackAgain);
        Assert.Equal(CodePredictorSession.PositionsPerFrame, session.Cache.Length);
    }

    [Fact]
    public void FeedbackIsPadPlusCode0PlusAllFifteenCodeEmbeddings()
    {
        var weights = RandomPredictor.Create(120, WeightFormat.Q8_0);
        var session = new CodePredictorSession(weights, RowParallelism.Sequential);
        var codes = new int[15];
        var feedback = new float[Hidden];
        session.PredictFrame(RandomQwen3.Values(new Random(121), Hidden, 1f), 1234, new SeededSampler(3), codes, feedback);
        for (var i = 0; i < Hidden; i++)
        {
            double expected = weights.TtsPadEmbedding[i] + weights.TalkerCodecEmbedding[1234 * Hidden + i];
            for (var g = 0; g < 15; g++)
            {
                expected += weights.CodecEmbeddings[g][codes[g] * Hidden + i];
            }
            Assert.Equal(expected, feedback[i], 1e-4);
        }
    }

    [Fact]
    public void BatchedFramesEqualIndependentSessions()
    {
        var weights = RandomPredictor.Create(130, WeightFormat.Q8_0);
        const int b = 3;
        var batch = new CodePredictorBatch(weights, maxSessions: 4, new RowParallelism(2, minWeightsToSplit: 0));
        var batchSessions = Enumerable.Range(0, b).Select(_ => new CodePredictorSession(weights)).ToArray();
        var soloSessions = Enumerable.Range(0, b).Select(_ => new CodePredictorSession(weights, RowParallelism.Sequential)).ToArray();
        var batchSamplers = Enumerable.Range(0, b).Select(i => (ISubCodeSampler)new SeededSampler(40 + i, 0.9f)).ToArray();
        var soloSamplers = Enumerable.Range(0, b).Select(i => (ISubCodeSampler)new SeededSampler(40 + i, 0.9f)).ToArray();
        var random = new Random(131);
        for (var frame = 0; frame < 2; frame++)
        {
            var hiddens = RandomQwen3.Values(random, b * Hidden, 1f);
            var code0s = new[] { 3, 2047, 1000 + frame };
            var codes = new int[b * 15];
            var feedback = new float[b * Hidden];
            batch.PredictFrames(batchSessions, hiddens, code0s, batchSamplers, codes, feedback);
            for (var i = 0; i < b; i++)
            {
                var soloCodes = new int[15];
                var soloFeedback = new float[Hidden];
                soloSessions[i].PredictFrame(hiddens.AsSpan(i * Hidden, Hidden), code0s[i], soloSamplers[i], soloCodes, soloFeedback);
                Assert.Equal(soloCodes, codes.AsSpan(i * 15, 15).ToArray());
                Assert.Equal(soloFeedback, feedback.AsSpan(i * Hidden, Hidden).ToArray());
            }
        }
    }

    [Fact]
    public void RejectsBadCode0HiddenLengthAndSamplerOutput()
    {
        var weights = RandomPredictor.Create(140, WeightFormat.Float32);
        var session = new CodePredictorSession(weights, RowParallelism.Sequential);
        var hidden = new float[Hidden];
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => session.PredictFrame(hidden, CodecTokenIds.Pad, new GreedySubCodeSampler(), new int[15], new float[Hidden]));
        Assert.Equal("code0", e.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => session.PredictFrame(hidden, -1, new GreedySubCodeSampler(), new int[15], new float[Hidden]));
        var length = Assert.Throws<ArgumentException>(() => session.PredictFrame(new float[Hidden + 1], 0, new GreedySubCodeSampler(), new int[15], new float[Hidden]));
        Assert.Equal("talkerHidden", length.ParamName);
        Assert.Contains("needs 64 values, got 65", length.Message);
        var broken = Assert.Throws<InvalidOperationException>(() => session.PredictFrame(hidden, 0, new ConstantSampler(2048), new int[15], new float[Hidden]));
        Assert.Contains("ConstantSampler returned code 2048 for codebook 1", broken.Message);

        var batch = new CodePredictorBatch(weights, 2);
        var other = new CodePredictorSession(RandomPredictor.Create(141, WeightFormat.Float32));
        var foreign = Assert.Throws<ArgumentException>(() => batch.PredictFrames(
            new[] { other }, hidden, new[] { 0 }, new ISubCodeSampler[] { new GreedySubCodeSampler() }, new int[15], new float[Hidden]));
        Assert.Contains("different weights", foreign.Message);
    }
}
