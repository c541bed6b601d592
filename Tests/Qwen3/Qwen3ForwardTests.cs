using Qwen3Tts.Inference.Kernels.Linear;
using Qwen3Tts.Inference.Qwen3;
using Qwen3Tts.Tests.Oracle;

namespace Qwen3Tts.Tests.Qwen3;

public class Qwen3ForwardTests
{
    private const int Prefill = 7;
    private const int DecodeSteps = 20;

    /// <summary>f32 weights: only float-vs-double summation order separates engine and oracle.</summary>
    private const float Float32Tolerance = 2e-5f;

    /// <summary>
    /// Q8_0 weights: the oracle runs on the same dequantized weights, so the gap is the 8-bit rounding of
    /// activations before each of the 14 products (up to 1/254 of each block's max), compounded over
    /// 2 layers. Measured on this fixture: relative RMS error up to ~1.7%, worst element ~0.05 on unit-scale outputs.
    /// </summary>
    private const float Q8Tolerance = 0.1f;

    private const float Q8RelativeRmsTolerance = 0.03f;

    [Theory]
    [InlineData(WeightFormat.Float32, Float32Tolerance)]
    [InlineData(WeightFormat.Q8_0, Q8Tolerance)]
    public void PrefillThenDecodeMatchesOracle(WeightFormat format, float tolerance)
    {
        var config = RandomQwen3.TinyConfig;
        var weights = RandomQwen3.Stack(config, seed: 21, format);
        var oracle = new Qwen3ReferenceForward(weights);
        var engine = new Qwen3Forward(weights, maxTokens: Prefill, maxPositions: 64, RowParallelism.Sequential);
        var cache = engine.CreateCache();
        var h = config.HiddenSize;
        var inputs = RandomQwen3.Values(new Random(22), (Prefill + DecodeSteps) * h, 1f);

        var last = new float[h];
        var all = new float[Prefill * h];
        engine.Forward(inputs.AsSpan(0, Prefill * h), Prefill, 0, cache, last, all);
        var expected = oracle.Forward(inputs, Prefill);
        Assert.True(RandomQwen3.MaxAbsDifference(expected, all) < tolerance, $"prefill differs by {RandomQwen3.MaxAbsDifference(expected, all)}");
        Assert.Equal(all.AsSpan((Prefill - 1) * h).ToArray(), last);
        Assert.Equal(Prefill, cache.Length);

        for (var step = 0; step < DecodeSteps; step++)
        {
            var position = Prefill + step;
            engine.Forward(inputs.AsSpan(position * h, h), 1, position, cache, last);
            var reference = oracle.Forward(inputs, position + 1).AsSpan(position * h, h);
            var diff = RandomQwen3.MaxAbsDifference(reference, last);
            var relative = RandomQwen3.RelativeRmsError(reference, last);
            Assert.True(diff < tolerance, $"decode position {position} differs by {diff} (relative RMS {relative})");
            Assert.True(relative < (format == WeightFormat.Q8_0 ? Q8RelativeRmsTolerance : 1e-5f), $"decode position {position}: relative RMS error {relative}");
        }
        Assert.Equal(Prefill + DecodeSteps, cache.Length);
    }

    [Theory]
    [InlineData(WeightFormat.Q8_0)]
    [InlineData(WeightFormat.Q4_0)]
    [InlineData(WeightFormat.BFloat16)]
    public void ForwardIsBitIdenticalForEveryKernelAndWithWorkers(WeightFormat format)
    {
        var config = RandomQwen3.TinyConfig;
        var h = config.HiddenSize;
        var inputs = RandomQwen3.Values(new Random(31), 5 * h, 1f);
        float[] Run(LinearKernelPath path, RowParallelism parallelism)
        {
            var weights = RandomQwen3.Stack(config, seed: 30, format);
            RandomQwen3.PinKernel(weights, path);
            var engine = new Qwen3Forward(weights, 5, 16, parallelism);
            var all = new float[5 * h];
            engine.Forward(inputs, 5, 0, engine.CreateCache(), new float[h], all);
            return all;
        }

        var expected = Run(LinearKernelPath.Scalar, RowParallelism.Sequential);
        Assert.Equal(expected, Run(LinearKernelPath.Auto, new RowParallelism(2, minWeightsToSplit: 0)));
        foreach (var path in LinearKernels.Supported())
        {
            Assert.Equal(expected, Run(path, RowParallelism.Sequential));
        }
    }

    [Fact]
    public void ForwardBatchEqualsIndependentSequences()
    {
        var config = RandomQwen3.TinyConfig;
        var h = config.HiddenSize;
        var weights = RandomQwen3.Stack(config, seed: 40, WeightFormat.Q8_0);
        var random = new Random(41);
        const int sequences = 3;
        var batchEngine = new Qwen3Forward(weights, maxTokens: 4, maxPositions: 16, RowParallelism.Sequential);
        var soloEngine = new Qwen3Forward(weights, maxTokens: 4, maxPositions: 16, RowParallelism.Sequential);
        var batchCaches = new Qwen3KvCache[sequences];
        var soloCaches = new Qwen3KvCache[sequences];
        for (var s = 0; s < sequences; s++)
        {
            // Different prompt lengths, so the batch mixes positions.
            var prompt = RandomQwen3.Values(random, (s + 1) * h, 1f);
            batchCaches[s] = batchEngine.CreateCache();
            soloCaches[s] = soloEngine.CreateCache();
            batchEngine.Forward(prompt, s + 1, 0, batchCaches[s], new float[h]);
            soloEngine.Forward(prompt, s + 1, 0, soloCaches[s], new float[h]);
        }
        for (var step = 0; step < 4; step++)
        {
            var inputs = RandomQwen3.Values(random, sequences * h, 1f);
            var batched = new float[sequences * h];
            batchEngine.ForwardBatch(inputs, batchCaches, batched);
            for (var s = 0; s < sequences; s++)
            {
                var solo = new float[h];
                soloEngine.Forward(inputs.AsSpan(s * h, h), 1, soloCaches[s].Length, soloCaches[s], solo);
                Assert.Equal(solo, batched.AsSpan(s * h, h).ToArray());
                Assert.Equal(soloCaches[s].Length, batchCaches[s].Length);
            }
        }
    }

    [Fact]
    public void RewindingTheCacheRecomputesFromThatPosition()
    {
        var config = RandomQwen3.TinyConfig;
        var h = config.HiddenSize;
        var weights = RandomQwen3.Stack(config, seed: 50, WeightFormat.Float32);
        var engine = new Qwen3Forward(weights, 4, 16, RowParallelism.Sequential);
        var cache = engine.CreateCache();
        var inputs = RandomQwen3.Values(new Random(51), 4 * h, 1f);
        var first = new float[h];
        engine.Forward(inputs, 4, 0, cache, first);
        var again = new float[h];
        cache.Clear();
        engine.Forward(inputs.AsSpan(0, 2 * h), 2, 0, cache, again);
        engine.Forward(inputs.AsSpan(2 * h), 2, 2, cache, again);
        Assert.True(RandomQwen3.MaxAbsDifference(first, again) < 1e-5f);
    }

    [Fact]
    public void RejectsGapsOverflowAndForeignCaches()
    {
        var config = RandomQwen3.TinyConfig;
        var h = config.HiddenSize;
        var engine = new Qwen3Forward(RandomQwen3.Stack(config, 60, WeightFormat.Float32), 2, 4, RowParallelism.Sequential);
        var cache = engine.CreateCache();
        var gap = Assert.Throws<ArgumentOutOfRangeException>(() => engine.Forward(new float[h], 1, 1, cache, new float[h]));
        Assert.Contains("cache length", gap.Message);
        engine.Forward(new float[2 * h], 2, 0, cache, new float[h]);
        engine.Forward(new float[2 * h], 2, 2, cache, new float[h]);
        var full = Assert.Throws<ArgumentOutOfRangeException>(() => engine.Forward(new float[h], 1, 4, cache, new float[h]));
        Assert.Contains("RoPE positions", full.Message);
        var tooMany = Assert.Throws<ArgumentOutOfRangeException>(() => engine.Forward(new float[3 * h], 3, 0, cache, new float[h]));
        Assert.Contains("maxTokens", tooMany.Message);
        var foreign = new Qwen3KvCache(config with { LayerCount = 3 }, 4);
        Assert.Throws<ArgumentException>(() => engine.Forward(new float[h], 1, 0, foreign, new float[h]));
        var fresh = engine.CreateCache();
        var twice = Assert.Throws<ArgumentException>(() => engine.ForwardBatch(new float[2 * h], new[] { fresh, fresh }, new float[2 * h]));
        Assert.Contains("same object", twice.Message);
    }
}
