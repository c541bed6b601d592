using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Sampling;

namespace Qwen3Tts.Tests.Sampling;

public class CodecTokenSamplerTests
{
    private const int Eos = CodecTokenIds.Eos;

    private static readonly SamplingOptions Plain = new(1.0f, 0, 1.0f, 1.0f, 0, 0);

    private static float[] Logits(float fill = 0f) => Enumerable.Repeat(fill, CodecTokenIds.TalkerVocabSize).ToArray();

    private static int SampleOnce(float[] logits, SamplingOptions options, SamplingRandom random, int step = 10, float boost = 0f, int[]? history = null) =>
        new CodecTokenSampler().Sample((float[])logits.Clone(), history ?? [], step, boost, options, random);

    [Fact]
    public void ControlIdsAreNeverDrawnButEosCanBe()
    {
        // Control ids get the largest logits; only codes 0..2047 and EOS may come out.
        var logits = Logits();
        var noise = new SamplingRandom(1);
        for (var i = 0; i < CodecTokenIds.CodebookSize; i++)
        {
            logits[i] = (float)(noise.NextDouble() * 4 - 2);
        }
        for (var i = CodecTokenIds.CodebookSize; i < logits.Length; i++)
        {
            logits[i] = 50f;
        }
        logits[Eos] = 2f;

        var sampler = new CodecTokenSampler();
        var random = new SamplingRandom(2);
        var sawEos = false;
        foreach (var options in new[] { Plain, SamplingPresets.Official, SamplingPresets.SeedTalker, Plain with { Temperature = 5f } })
        {
            for (var draw = 0; draw < 3000; draw++)
            {
                var id = sampler.Sample((float[])logits.Clone(), [], 10, 0f, options, random);
                Assert.True(id < CodecTokenIds.CodebookSize || id == Eos, $"drew control id {id}");
                sawEos |= id == Eos;
            }
        }
        Assert.True(sawEos);
    }

    [Fact]
    public void GreedyStillHonoursSuppression()
    {
        var logits = Logits();
        logits[2500] = 100f;
        logits[1234] = 1f;
        Assert.Equal(1234, SampleOnce(logits, Plain with { DoSample = false }, new SamplingRandom(0)));
    }

    [Fact]
    public void EosIsMaskedBeforeMinNewTokens()
    {
        var logits = Logits();
        logits[Eos] = 100f;
        var random = new SamplingRandom(3);
        for (var draw = 0; draw < 500; draw++)
        {
            Assert.NotEqual(Eos, SampleOnce(logits, SamplingPresets.Official, random, step: 0));
            Assert.NotEqual(Eos, SampleOnce(logits, SamplingPresets.Official, random, step: 1));
        }
        Assert.Equal(Eos, SampleOnce(logits, SamplingPresets.Official, random, step: 2));
        Assert.Equal(Eos, SampleOnce(logits, SamplingPresets.SeedTalker, random, step: 0));
    }

    [Fact]
    public void EosBoostCannotUndoTheMinTokensMask()
    {
        var logits = Logits();
        Assert.NotEqual(Eos, SampleOnce(logits, SamplingPresets.Official with { DoSample = false }, new SamplingRandom(0), step: 1, boost: 1000f));
    }

    [Fact]
    public void EosBoostIsAddedToTheEosLogit()
    {
        var logits = Logits();
        logits[7] = 3f;
        logits[Eos] = -2f;
        var sampler = new CodecTokenSampler();
        var greedy = Plain with { DoSample = false };

        var processed = (float[])logits.Clone();
        Assert.Equal(7, sampler.Sample(processed, [], 5, 4.5f, greedy, new SamplingRandom(0)));
        Assert.Equal(2.5f, processed[Eos]);

        processed = (float[])logits.Clone();
        Assert.Equal(Eos, sampler.Sample(processed, [], 5, 5.5f, greedy, new SamplingRandom(0)));
        Assert.Equal(3.5f, processed[Eos]);
    }

    [Fact]
    public void AMinusInfiniteBoostMasksEosAtAnyStep()
    {
        var logits = Logits();
        logits[Eos] = 40f;
        logits[17] = 1f;
        Assert.Equal(Eos, SampleOnce(logits, Plain with { DoSample = false }, new SamplingRandom(0), step: 50));
        Assert.Equal(17, SampleOnce(logits, Plain with { DoSample = false }, new SamplingRandom(0), step: 50, boost: float.NegativeInfinity));
        Assert.Throws<ArgumentOutOfRangeException>(() => SampleOnce(logits, Plain, new SamplingRandom(0), boost: float.PositiveInfinity));
    }

    [Fact]
    public void GreedyIsTheArgmaxUnderTheOfficialSuppressionAndMinTokens()
    {
        var logits = Logits(-1f);
        logits[2500] = 90f;   // a control id: suppressed
        logits[Eos] = 80f;    // EOS: masked for the first 2 steps, then the winner
        logits[1234] = 10f;
        logits[99] = 10f;     // a tie with 1234 goes to the lower id, like torch.argmax
        var greedy = SamplingPresets.GreedyTalker;
        Assert.Equal(99, SampleOnce(logits, greedy, new SamplingRandom(1), step: 0, history: []));
        Assert.Equal(99, SampleOnce(logits, greedy, new SamplingRandom(2), step: 1, history: [99]));
        Assert.Equal(Eos, SampleOnce(logits, greedy, new SamplingRandom(3), step: 2, history: [99, 99]));
        // No repetition penalty: 99 stays the winner however often it was chosen.
        logits[Eos] = -1f;
        Assert.Equal(99, SampleOnce(logits, greedy, new SamplingRandom(4), step: 5, history: [99, 99, 99, 99, 99]));
    }

    [Fact]
    public void RepetitionPenaltyFollowsTheHuggingFaceRule()
    {
        var logits = Logits();
        logits[5] = 4f;
        logits[7] = -3f;
        logits[9] = 1f;
        logits[11] = 0f;
        var options = Plain with { RepetitionPenalty = 2f, DoSample = false };

        var processed = (float[])logits.Clone();
        new CodecTokenSampler().Sample(processed, [5, 7, 5, 5, 11, 7], 6, 0f, options, new SamplingRandom(0));

        Assert.Equal(2f, processed[5]);   // positive: divided once, however often it occurred
        Assert.Equal(-6f, processed[7]);  // negative: multiplied
        Assert.Equal(1f, processed[9]);   // not in history
        Assert.Equal(0f, processed[11]);  // zero stays zero
    }

    [Fact]
    public void RepetitionWindowCountsOnlyTheMostRecentTokens()
    {
        var logits = Logits();
        logits[5] = 4f;
        logits[7] = 4f;
        logits[9] = 4f;
        var processed = (float[])logits.Clone();
        var options = Plain with { RepetitionPenalty = 2f, RepetitionWindow = 2, DoSample = false };

        new CodecTokenSampler().Sample(processed, [5, 7, 9], 3, 0f, options, new SamplingRandom(0));

        Assert.Equal([4f, 2f, 2f], new[] { processed[5], processed[7], processed[9] });
    }

    [Fact]
    public void PenaltyStateDoesNotLeakBetweenCalls()
    {
        var sampler = new CodecTokenSampler();
        var options = Plain with { RepetitionPenalty = 2f, DoSample = false };
        var first = Logits(1f);
        sampler.Sample(first, [3, 3, 4], 3, 0f, options, new SamplingRandom(0));
        var second = Logits(1f);
        sampler.Sample(second, [4], 1, 0f, options, new SamplingRandom(0));
        Assert.Equal(1f, second[3]);
        Assert.Equal(0.5f, second[4]);
    }

    [Fact]
    public void HistoryOutsideTheVocabularyIsRejected()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new CodecTokenSampler().Sample(Logits(), [1, 3072], 2, 0f, SamplingPresets.Official, new SamplingRandom(0)));
        Assert.Equal("history", ex.ParamName);
    }

    [Fact]
    public void TopKOfOneIsArgmax()
    {
        var noise = new SamplingRandom(11);
        var random = new SamplingRandom(12);
        var sampler = new CodecTokenSampler();
        for (var trial = 0; trial < 200; trial++)
        {
            var logits = Logits();
            for (var i = 0; i < CodecTokenIds.CodebookSize; i++)
            {
                logits[i] = (float)noise.NextDouble();
            }
            var expected = Array.IndexOf(logits, logits.Take(CodecTokenIds.CodebookSize).Max());
            Assert.Equal(expected, sampler.Sample(logits, [], 5, 0f, Plain with { TopK = 1, Temperature = 3f }, random));
        }
    }

    [Fact]
    public void NonFiniteLogitsThrowWithTheStep()
    {
        foreach (var bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
        {
            var logits = Logits();
            logits[100] = bad;
            var ex = Assert.Throws<InvalidOperationException>(() =>
                new CodecTokenSampler().Sample(logits, [], 17, 0f, SamplingPresets.Official, new SamplingRandom(0)));
            Assert.Equal("talker produced non-finite logits at step 17", ex.Message);
        }
    }

    [Fact]
    public void WrongLogitCountIsRejected()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            new CodecTokenSampler().Sample(new float[2048], [], 0, 0f, SamplingPresets.Official, new SamplingRandom(0)));
        Assert.Contains("expected 3072 talker logits, got 2048", ex.Message);
    }

    [Fact]
    public void SameSeedGivesTheSameSequence()
    {
        static int[] Run(ulong seed)
        {
            var sampler = new CodecTokenSampler();
            var random = new SamplingRandom(seed);
            var history = new List<int>();
            var logits = Logits();
            for (var step = 0; step < 200; step++)
            {
                for (var i = 0; i < CodecTokenIds.CodebookSize; i++)
                {
                    logits[i] = MathF.Sin(i * 0.37f + step) * 3f;
                }
                logits[Eos] = -10f;
                Array.Fill(logits, 0f, CodecTokenIds.CodebookSize, 1024);
                logits[Eos] = -10f;
                var id = sampler.Sample(logits, history.ToArray(), step, 0f, SamplingPresets.Official, random);
                history.Add(id);
            }
            return history.ToArray();
        }

        Assert.Equal(Run(99), Run(99));
        Assert.NotEqual(Run(99), Run(100));
    }

    [Fact]
    public void SamplingAllocatesNothingPerCall()
    {
        var sampler = new CodecTokenSampler();
        var random = new SamplingRandom(5);
        var logits = Logits();
        var history = new[] { 1, 2, 3, 4, 5, 1, 2 };
        var options = new[] { SamplingPresets.Official, SamplingPresets.SeedTalker, Plain with { TopP = 0.9f } };
        foreach (var o in options)
        {
            Array.Clear(logits); // the sampler masks in place
            sampler.Sample(logits, history, 5, 1f, o, random); // warm up (JIT)
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 50; i++)
        {
            foreach (var o in options)
            {
                Array.Clear(logits);
                logits[i] = 1f;
                sampler.Sample(logits, history, 5, 1f, o, random);
            }
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
