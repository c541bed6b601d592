using Qwen3Tts.Inference.Qwen3;

namespace Qwen3Tts.Tests.Qwen3;

/// <summary>
/// The managed talker's pass: sequences of different row counts (a prompt beside single-row steps) in one forward, and
/// KV caches that start small and grow. Neither may change a bit of any sequence's result.
/// </summary>
public sealed class Qwen3ForwardSegmentsTests
{
    [Fact]
    public void SegmentsOfDifferentLengthsInOnePassEqualEachSequenceAlone()
    {
        var config = RandomQwen3.TinyConfig;
        var h = config.HiddenSize;
        var weights = RandomQwen3.Stack(config, seed: 70, WeightFormat.Q8_0);
        var random = new Random(71);
        using var workers = new RowParallelism(2, minWeightsToSplit: 1);
        var together = new Qwen3Forward(weights, maxTokens: 12, maxPositions: 32, workers);
        var alone = new Qwen3Forward(weights, maxTokens: 12, maxPositions: 32, RowParallelism.Sequential);
        int[] prompts = [2, 5, 1];
        var sharedCaches = prompts.Select(_ => together.CreateCache()).ToArray();
        var soloCaches = prompts.Select(_ => alone.CreateCache()).ToArray();
        for (var s = 0; s < prompts.Length; s++)
        {
            var prompt = RandomQwen3.Values(random, prompts[s] * h, 1f);
            together.Forward(prompt, prompts[s], 0, sharedCaches[s], new float[h]);
            alone.Forward(prompt, prompts[s], 0, soloCaches[s], new float[h]);
        }

        // A pass of 3 + 1 + 6 rows, then one of 1 + 4 + 1: sequences at different positions, causal within each.
        foreach (int[] counts in new[] { new[] { 3, 1, 6 }, new[] { 1, 4, 1 } })
        {
            var inputs = RandomQwen3.Values(random, counts.Sum() * h, 1f);
            var hidden = new float[counts.Length * h];
            together.ForwardSegments(inputs, sharedCaches, counts, hidden);
            for (int s = 0, row = 0; s < counts.Length; row += counts[s], s++)
            {
                var expected = new float[h];
                alone.Forward(inputs.AsSpan(row * h, counts[s] * h), counts[s], soloCaches[s].Length, soloCaches[s], expected);
                Assert.Equal(expected, hidden.AsSpan(s * h, h).ToArray());
                Assert.Equal(soloCaches[s].Length, sharedCaches[s].Length);
            }
        }
    }

    [Fact]
    public void SegmentsAreCheckedBeforeAnythingRuns()
    {
        var config = RandomQwen3.TinyConfig;
        var h = config.HiddenSize;
        var engine = new Qwen3Forward(RandomQwen3.Stack(config, 72, WeightFormat.Float32), 4, 8, RowParallelism.Sequential);
        var a = engine.CreateCache();
        var b = engine.CreateCache();
        var counts = Assert.Throws<ArgumentException>(() => engine.ForwardSegments(new float[2 * h], [a, b], [2], new float[2 * h]));
        Assert.Contains("row counts", counts.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => engine.ForwardSegments(new float[2 * h], [a, b], [2, 0], new float[2 * h]));
        var tooMany = Assert.Throws<ArgumentOutOfRangeException>(() => engine.ForwardSegments(new float[5 * h], [a, b], [2, 3], new float[2 * h]));
        Assert.Contains("maxTokens", tooMany.Message);
        Assert.Throws<ArgumentException>(() => engine.ForwardSegments(new float[3 * h], [a, b], [2, 2], new float[2 * h]));
        Assert.Equal((0, 0), (a.Length, b.Length));
    }

    [Fact]
    public void ACacheThatGrowsOnDemandGivesTheSameBitsAsOneAllocatedWhole()
    {
        var config = RandomQwen3.TinyConfig;
        var h = config.HiddenSize;
        var engine = new Qwen3Forward(RandomQwen3.Stack(config, 73, WeightFormat.Q8_0), 8, 64, RowParallelism.Sequential);
        var whole = engine.CreateCache();
        var growing = engine.CreateCache(reserve: 3);
        Assert.Equal(64, whole.Allocated);
        Assert.Equal(3, growing.Allocated);
        var inputs = RandomQwen3.Values(new Random(74), 40 * h, 1f);
        var expected = new float[h];
        var actual = new float[h];
        engine.Forward(inputs.AsSpan(0, 5 * h), 5, 0, whole, expected);
        engine.Forward(inputs.AsSpan(0, 5 * h), 5, 0, growing, actual);
        Assert.Equal(expected, actual);
        for (var p = 5; p < 40; p++)
        {
            engine.Forward(inputs.AsSpan(p * h, h), 1, p, whole, expected);
            engine.Forward(inputs.AsSpan(p * h, h), 1, p, growing, actual);
            Assert.Equal(expected, actual);
        }
        Assert.InRange(growing.Allocated, 40, 64);
        Assert.True(growing.AllocatedBytes < whole.AllocatedBytes);
        var beyond = Assert.Throws<ArgumentException>(() => engine.CreateCache(reserve: 2).LoadFrom(65, new byte[growing.StateBytes(65)]));
        Assert.Contains("64 positions", beyond.Message);
    }

    [Fact]
    public void ASavedStateRestoredIntoAnotherCacheContinuesBitForBit()
    {
        var config = RandomQwen3.TinyConfig;
        var h = config.HiddenSize;
        var engine = new Qwen3Forward(RandomQwen3.Stack(config, 75, WeightFormat.Q8_0), 8, 32, RowParallelism.Sequential);
        var original = engine.CreateCache();
        var inputs = RandomQwen3.Values(new Random(76), 10 * h, 1f);
        engine.Forward(inputs.AsSpan(0, 7 * h), 7, 0, original, new float[h]);
        var state = new byte[original.StateBytes(7)];
        original.CopyTo(7, state);

        var restored = engine.CreateCache(reserve: 1);
        restored.LoadFrom(7, state);
        Assert.Equal(7, restored.Length);
        var expected = new float[h];
        var actual = new float[h];
        engine.Forward(inputs.AsSpan(7 * h, 3 * h), 3, 7, original, expected);
        engine.Forward(inputs.AsSpan(7 * h, 3 * h), 3, 7, restored, actual);
        Assert.Equal(expected, actual);
        Assert.Throws<ArgumentException>(() => restored.LoadFrom(7, state.AsSpan(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => restored.CopyTo(11, new byte[restored.StateBytes(11)]));
    }
}
