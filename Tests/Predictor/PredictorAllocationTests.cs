using Qwen3Tts.Inference.Pipeline;
using Qwen3Tts.Inference.Predictor;
using Qwen3Tts.Inference.Qwen3;
using Qwen3Tts.Inference.Sampling;
using Qwen3Tts.Tests.Qwen3;

namespace Qwen3Tts.Tests.Predictor;

/// <summary>
/// The predictor's hot loop allocates nothing per frame after warm-up: products (with and without row
/// workers), attention, the 15 heads and the official sampler. Counted on the calling thread, over many
/// frames, so it is not a timing test. Two windows of frames are counted after the warm-up and the quieter one must be
/// 0: an allocation per frame shows in both, while one-off work on this thread shows in one at most (a full CI run once
/// counted 3456 bytes in a single window that no run of the class alone reproduced).
/// </summary>
public class PredictorAllocationTests
{
    private const int Hidden = 64;
    private const int Frames = 20;

    [Theory]
    [InlineData(WeightFormat.Q8_0, 1)]
    [InlineData(WeightFormat.Q4_0, 2)]
    [InlineData(WeightFormat.BFloat16, 1)]
    public void AFrameAllocatesNothingAfterWarmUp(WeightFormat format, int workers)
    {
        var weights = RandomPredictor.Create(400, format);
        using var pool = new RowParallelism(workers, minWeightsToSplit: 0);
        var session = new CodePredictorSession(weights, pool);
        var sampler = new LocalPredictorChannel.StepSampler();
        var random = new SamplingRandom(7);
        sampler.Reset(SamplingPresets.OfficialPredictor, random);
        var hidden = RandomQwen3.Values(new Random(401), Hidden, 1f);
        var codes = new int[15];
        var feedback = new float[Hidden];
        for (var i = 0; i < 3; i++)
        {
            session.PredictFrame(hidden, i, sampler, codes, feedback);
        }
        Assert.Equal(0, QuieterWindow(i => session.PredictFrame(hidden, i * 97 % 2048, sampler, codes, feedback)));
    }

    [Fact]
    public void ABatchedFrameAllocatesNothingAfterWarmUp()
    {
        var weights = RandomPredictor.Create(410, WeightFormat.Q8_0);
        const int b = 3;
        var sessions = Enumerable.Range(0, b).Select(_ => new CodePredictorSession(weights, RowParallelism.Sequential)).ToArray();
        var batch = new CodePredictorBatch(weights, b, RowParallelism.Sequential);
        var samplers = Enumerable.Range(0, b).Select(i =>
        {
            var s = new LocalPredictorChannel.StepSampler();
            s.Reset(SamplingPresets.OfficialPredictor, new SamplingRandom((ulong)i));
            return (ISubCodeSampler)s;
        }).ToArray();
        var hidden = RandomQwen3.Values(new Random(411), b * Hidden, 1f);
        int[] code0s = [1, 2, 3];
        var codes = new int[b * 15];
        var feedback = new float[b * Hidden];
        for (var i = 0; i < 3; i++)
        {
            batch.PredictFrames(sessions, hidden, code0s, samplers, codes, feedback);
        }
        Assert.Equal(0, QuieterWindow(_ => batch.PredictFrames(sessions, hidden, code0s, samplers, codes, feedback)));
    }

    /// <summary>Bytes this thread allocated over <see cref="Frames"/> frames, the fewer of two windows one after the other.</summary>
    private static long QuieterWindow(Action<int> frame)
    {
        var windows = new long[2];
        for (var w = 0; w < windows.Length; w++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < Frames; i++)
            {
                frame(w * Frames + i);
            }
            windows[w] = GC.GetAllocatedBytesForCurrentThread() - before;
        }
        return windows.Min();
    }
}
