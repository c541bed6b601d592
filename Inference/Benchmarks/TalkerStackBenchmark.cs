using System.Diagnostics;
using Qwen3Tts.Inference.Formats.Gguf;
using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Qwen3;

namespace Qwen3Tts.Inference.Benchmarks;

/// <summary>One engine's cost for the talker's layer stack: a prompt once, then single-row steps.</summary>
public sealed record TalkerStackTiming(string Engine, int Threads, double PromptMs, double StepMedianMs, double StepBestMs, double StepCpuMs);

/// <summary>
/// `qwen3-tts bench talker`: the talker's 28-layer stack from its runtime GGUF through this project's managed Qwen3 engine
/// (the predictor's <see cref="Qwen3Forward"/> and kernels, on <see cref="RowParallelism"/>), to set beside llama.cpp's
/// decode of the same file. It measures whether the talker step could leave llama.cpp; it is not what serving runs.
/// </summary>
public static class TalkerStackBenchmark
{
    public static TalkerStackTiming RunManaged(string runtimeGguf, int threads, int promptRows, int steps)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        using var gguf = GgufFile.Open(runtimeGguf);
        var config = Qwen3GgufLayout.ReadConfig(gguf, "qwen3");
        var weights = Qwen3GgufStack.Load(gguf, "blk", "output_norm.weight", config);
        using var parallelism = new RowParallelism(threads);
        var forward = new Qwen3Forward(weights, promptRows, promptRows + steps + 1, parallelism);
        var cache = forward.CreateCache();
        var h = config.HiddenSize;
        var rows = new float[promptRows * h];
        var random = new Random(3);
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = (float)(random.NextDouble() - 0.5) * 0.1f;
        }
        var last = new float[h];
        // A throw-away prompt and step first: the JIT's final code and the row workers' first wake are not the engine's cost.
        forward.Forward(rows, promptRows, 0, cache, last);
        forward.Forward(rows.AsSpan(0, h), 1, promptRows, cache, last);
        cache.Clear();

        var clock = Stopwatch.StartNew();
        forward.Forward(rows, promptRows, 0, cache, last);
        var promptMs = clock.Elapsed.TotalMilliseconds;
        var samples = new double[steps];
        var cpuBefore = Environment.CpuUsage.TotalTime;
        for (var s = 0; s < steps; s++)
        {
            var start = Stopwatch.GetTimestamp();
            forward.Forward(rows.AsSpan(s % promptRows * h, h), 1, promptRows + s, cache, last);
            samples[s] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        var cpuMs = (Environment.CpuUsage.TotalTime - cpuBefore).TotalMilliseconds / steps;
        Array.Sort(samples);
        return new TalkerStackTiming("managed", threads, promptMs, samples[steps / 2], samples[0], cpuMs);
    }
}
