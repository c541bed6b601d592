using System.Diagnostics;
using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Models.Store;
using Qwen3Tts.Inference.Predictor;
using Qwen3Tts.Inference.Qwen3;

namespace Qwen3Tts.Inference.Benchmarks;

/// <summary>One engine's timing: median and best milliseconds per frame.</summary>
public sealed record EngineTiming(string Engine, double MedianMs, double BestMs);

/// <summary>
/// Times one code-predictor frame (2-row prefill + 14 steps + 15 heads) with the managed engine and
/// with the LLamaSharp baseline on the same weights and inputs. Greedy codes, so both do the same work.
/// </summary>
public static class PredictorBenchmark
{
    public static IReadOnlyList<EngineTiming> Run(PredictorFiles files, int frames, int warmup = 2)
    {
        var weights = CodePredictorLoader.Load(files);
        var h = weights.HiddenSize;
        var random = new Random(42);
        var hidden = new float[h];
        for (var i = 0; i < h; i++)
        {
            hidden[i] = (float)(random.NextDouble() * 2 - 1);
        }
        var codes = new int[CodePredictorWeights.GroupCount];
        var feedback = new float[h];
        var results = new List<EngineTiming>();

        foreach (var (name, parallelism) in new[] { ("managed Q8_0, 1 thread", RowParallelism.Sequential), ($"managed Q8_0, {Environment.ProcessorCount} threads", RowParallelism.Shared) })
        {
            var session = new CodePredictorSession(weights, parallelism);
            var sampler = new GreedySubCodeSampler();
            results.Add(Time(name, frames, warmup, f => session.PredictFrame(hidden, f % CodecTokenIds.CodebookSize, sampler, codes, feedback)));
        }

        var work = Directory.CreateTempSubdirectory("qwen3-tts-bench-");
        try
        {
            foreach (var threads in new[] { 1, Environment.ProcessorCount })
            {
                using var llama = LlamaPredictorBaseline.Create(files.Gguf, weights, work.FullName, threads);
                results.Add(Time($"LLamaSharp (llama.cpp) + managed heads, {threads} threads", frames, warmup, f => llama.PredictFrame(hidden, f % CodecTokenIds.CodebookSize, codes)));
            }
        }
        finally
        {
            work.Delete(recursive: true);
        }
        return results;
    }

    private static EngineTiming Time(string name, int frames, int warmup, Action<int> frame)
    {
        for (var i = 0; i < warmup; i++)
        {
            frame(i);
        }
        var samples = new double[frames];
        for (var i = 0; i < frames; i++)
        {
            var clock = Stopwatch.GetTimestamp();
            frame(i);
            samples[i] = Stopwatch.GetElapsedTime(clock).TotalMilliseconds;
        }
        Array.Sort(samples);
        return new EngineTiming(name, samples[frames / 2], samples[0]);
    }
}
