using Qwen3Tts.Inference.Sampling;

namespace Qwen3Tts.Tests.Sampling;

/// <summary>
/// Distribution checks through <see cref="SubCodeSampler"/> (no penalty or masks, so the logits
/// reach the warpers untouched). Seeds are fixed, so these are deterministic, not flaky.
/// </summary>
public class WarperDistributionTests
{
    private const float Excluded = -1000f; // exp(-1000) is 0 in double: effectively not a candidate

    private static float[] Logits(params (int Id, float Logit)[] entries)
    {
        var logits = Enumerable.Repeat(Excluded, 2048).ToArray();
        foreach (var (id, logit) in entries)
        {
            logits[id] = logit;
        }
        return logits;
    }

    private static Dictionary<int, int> Histogram(float[] logits, SamplingOptions options, int draws, ulong seed)
    {
        var sampler = new SubCodeSampler();
        var random = new SamplingRandom(seed);
        var counts = new Dictionary<int, int>();
        for (var i = 0; i < draws; i++)
        {
            var id = sampler.Sample(logits, options, random);
            counts[id] = counts.GetValueOrDefault(id) + 1;
        }
        return counts;
    }

    private static double ChiSquare(Dictionary<int, int> counts, (int Id, double P)[] expected, int draws) =>
        expected.Sum(e =>
        {
            var want = e.P * draws;
            var diff = counts.GetValueOrDefault(e.Id) - want;
            return diff * diff / want;
        });

    [Theory]
    [InlineData(0.5f)]
    [InlineData(1.0f)]
    [InlineData(2.0f)]
    public void TemperatureScalesTheDistribution(float temperature)
    {
        (int Id, float Logit)[] entries = [(3, 2f), (500, 1f), (1000, 0f), (2047, -1f)];
        var weights = entries.Select(e => Math.Exp(e.Logit / temperature)).ToArray();
        var expected = entries.Select((e, i) => (e.Id, weights[i] / weights.Sum())).ToArray();
        const int draws = 20_000;

        var counts = Histogram(Logits(entries), new SamplingOptions(temperature, 0, 1f, 1f, 0, 0), draws, seed: 2024);

        Assert.Equal(entries.Select(e => e.Id).Order(), counts.Keys.Order());
        // 3 degrees of freedom: P(chi2 > 16.27) = 0.001 under the right distribution.
        Assert.InRange(ChiSquare(counts, expected, draws), 0, 16.27);
    }

    [Fact]
    public void TopPKeepsTheSmallestPrefixReachingP()
    {
        // Probabilities 0.5, 0.3, 0.15, 0.05: with top-p 0.75 the mass above the third token is
        // 0.8 >= 0.75, so only the first two survive, renormalised to 0.625 / 0.375.
        var logits = Logits((10, MathF.Log(0.5f)), (20, MathF.Log(0.3f)), (30, MathF.Log(0.15f)), (40, MathF.Log(0.05f)));
        const int draws = 10_000;

        var counts = Histogram(logits, new SamplingOptions(1f, 0, 0.75f, 1f, 0, 0), draws, seed: 7);

        Assert.Equal([10, 20], counts.Keys.Order());
        Assert.InRange(ChiSquare(counts, [(10, 0.625), (20, 0.375)], draws), 0, 10.83); // 1 dof, p = 0.001
    }

    [Fact]
    public void TopPAlwaysKeepsTheMostLikelyToken()
    {
        var logits = Logits((10, MathF.Log(0.5f)), (20, MathF.Log(0.3f)), (30, MathF.Log(0.2f)));
        var counts = Histogram(logits, new SamplingOptions(1f, 0, 0.05f, 1f, 0, 0), 500, seed: 8);
        Assert.Equal([10], counts.Keys);
    }

    [Fact]
    public void TopPAppliesAfterTopK()
    {
        // top-k 2 leaves 0.5/0.3 -> 0.625/0.375; top-p 0.6 then keeps only the first.
        var logits = Logits((10, MathF.Log(0.5f)), (20, MathF.Log(0.3f)), (30, MathF.Log(0.2f)));
        var counts = Histogram(logits, new SamplingOptions(1f, 2, 0.6f, 1f, 0, 0), 500, seed: 9);
        Assert.Equal([10], counts.Keys);
    }

    [Fact]
    public void TopKKeepsExactlyTheKBest()
    {
        var logits = Logits((1, 5f), (2, 4.9f), (3, 4.8f), (4, 4.7f), (5, 0f));
        var counts = Histogram(logits, new SamplingOptions(50f, 3, 1f, 1f, 0, 0), 3000, seed: 10);
        Assert.Equal([1, 2, 3], counts.Keys.Order());
    }

    [Fact]
    public void TopKKeepsEveryTokenTiedWithTheKth()
    {
        // Hugging Face drops only logits strictly below the k-th value.
        var logits = Logits((100, 3f), (7, 2f), (900, 2f), (1500, 2f), (4, 1f));
        var counts = Histogram(logits, new SamplingOptions(1f, 2, 1f, 1f, 0, 0), 3000, seed: 11);
        Assert.Equal([7, 100, 900, 1500], counts.Keys.Order());
    }

    [Fact]
    public void GreedyIgnoresWarpersAndPicksTheLowestIdOnTies()
    {
        var logits = Logits((9, 1f), (4, 2f), (12, 2f));
        var id = new SubCodeSampler().Sample(logits, new SamplingOptions(0.5f, 1, 0.1f, 1f, 0, 0, DoSample: false), new SamplingRandom(0));
        Assert.Equal(4, id);
    }

    [Fact]
    public void SubCodeSamplerRejectsNonFiniteLogits()
    {
        var logits = Logits((5, 1f));
        logits[6] = float.NaN;
        var ex = Assert.Throws<InvalidOperationException>(() => new SubCodeSampler().Sample(logits, SamplingPresets.OfficialPredictor, new SamplingRandom(0)));
        Assert.Equal("code predictor produced non-finite logits", ex.Message);
    }

    [Fact]
    public void TemperatureOverflowIsReportedNotSampled()
    {
        var logits = Logits((5, 1e30f));
        var ex = Assert.Throws<InvalidOperationException>(() =>
            new SubCodeSampler().Sample(logits, new SamplingOptions(1e-10f, 0, 1f, 1f, 0, 0), new SamplingRandom(0)));
        Assert.Contains("overflows", ex.Message);
    }

    [Fact]
    public void SubCodeSamplerRejectsWrongLength()
    {
        Assert.Throws<ArgumentException>(() => new SubCodeSampler().Sample(new float[3072], SamplingPresets.OfficialPredictor, new SamplingRandom(0)));
    }

    [Fact]
    public void SubCodeSamplerIsReproducibleAndLeavesLogitsAlone()
    {
        var logits = new float[2048];
        for (var i = 0; i < logits.Length; i++)
        {
            logits[i] = MathF.Cos(i * 0.11f) * 4f;
        }
        var copy = (float[])logits.Clone();

        int[] Run() { var s = new SubCodeSampler(); var r = new SamplingRandom(31); return Enumerable.Range(0, 300).Select(_ => s.Sample(logits, SamplingPresets.OfficialPredictor, r)).ToArray(); }

        Assert.Equal(Run(), Run());
        Assert.Equal(copy, logits);
    }
}
