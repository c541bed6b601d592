using System.Diagnostics;
using Qwen3Tts.Inference.Kernels.Linear;
using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Models.Store;
using Qwen3Tts.Inference.Predictor;
using Qwen3Tts.Inference.Qwen3;

namespace Qwen3Tts.Inference.Benchmarks;

/// <summary>What `qwen3-tts bench predictor` runs: every combination of these, greedy codes.</summary>
public sealed record PredictorBenchOptions(
    IReadOnlyList<WeightFormat> Formats,
    IReadOnlyList<LinearKernelPath> Kernels,
    IReadOnlyList<int> Threads,
    IReadOnlyList<int> Batches,
    int Frames,
    int Warmup = 2,
    bool Llama = false);

/// <summary>
/// One configuration's timing. Milliseconds are per frame (a batch step of B frames counts B);
/// <see cref="FloorMs"/> is the bytes a frame streams over the read bandwidth measured on as many threads.
/// </summary>
public sealed record PredictorTiming(
    string Engine, WeightFormat Format, LinearKernelPath Kernel, int Threads, int Batch,
    double MedianMs, double BestMs, double CpuMs, long BytesPerStep, double BandwidthGBs)
{
    public double FloorMs => BytesPerStep / (BandwidthGBs * 1e9) * 1e3 / Batch;

    public double FloorRatio => MedianMs / FloorMs;
}

/// <summary>
/// Times the code predictor per frame: the 2-row prefill, 14 single-row steps and 15 heads, for each
/// weight format, kernel path, thread count and batch size asked for, and (optionally) the LLamaSharp
/// engine it was chosen against. Formats other than the file's are re-encoded from its weights.
/// </summary>
public static class PredictorBenchmark
{
    /// <param name="loaded">The predictor as loaded from either layout (<see cref="Checkpoints.ModelSetLoader.LoadPredictor"/>).</param>
    /// <param name="seedFiles">The seed layout's files: the llama.cpp baseline runs their GGUF, so <see cref="PredictorBenchOptions.Llama"/> needs them.</param>
    public static IReadOnlyList<PredictorTiming> Run(CodePredictorWeights loaded, PredictorFiles? seedFiles, PredictorBenchOptions options, Action<PredictorTiming>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        RequireLlamaFiles(options, seedFiles);
        var h = loaded.HiddenSize;
        var random = new Random(42);
        var bandwidth = new Dictionary<int, double>();
        double Bandwidth(int threads) => bandwidth.TryGetValue(threads, out var b) ? b : bandwidth[threads] = ReadBandwidth.Measure(threads);
        var results = new List<PredictorTiming>();
        foreach (var format in options.Formats)
        {
            var weights = Reencode(loaded, format);
            var bytes = BytesPerStep(weights);
            foreach (var kernel in options.Kernels)
            {
                // Pinned on this benchmark's own matrices, not process-wide: other work in the process keeps its path.
                var resolved = kernel == LinearKernelPath.Auto ? LinearKernels.Resolve(LinearKernelPath.Auto, format) : kernel;
                Pin(weights, resolved);
                foreach (var threads in options.Threads)
                {
                    using var parallelism = new RowParallelism(threads);
                    foreach (var batch in options.Batches)
                    {
                        var (median, best, cpu) = TimeBatch(weights, parallelism, batch, options.Frames, options.Warmup, random, h);
                        var timing = new PredictorTiming("managed", format, resolved, threads, batch, median, best, cpu, bytes, Bandwidth(threads));
                        results.Add(timing);
                        progress?.Invoke(timing);
                    }
                }
            }
        }
        if (options.Llama)
        {
            RunLlama(seedFiles!, loaded, options, Bandwidth, results, progress);
        }
        return results;
    }

    /// <summary>Refuses <see cref="PredictorBenchOptions.Llama"/> without the seed layout's GGUF; callers check before loading, since an official snapshot converts for seconds.</summary>
    public static void RequireLlamaFiles(PredictorBenchOptions options, PredictorFiles? seedFiles)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Llama && seedFiles is null)
        {
            throw new ArgumentException("--llama times the seed layout's predictor GGUF through llama.cpp; an official snapshot has none (its predictor is in model.safetensors)");
        }
    }

    private static void Pin(CodePredictorWeights weights, LinearKernelPath path)
    {
        foreach (var layer in weights.Stack.Layers)
        {
            foreach (var (_, m) in layer.Matrices())
            {
                m.KernelPath = path;
            }
        }
        foreach (var head in weights.LmHeads)
        {
            head.KernelPath = path;
        }
    }

    /// <summary>Bytes one step of a frame streams: the 5-layer stack read 15 times, the 15 heads once.</summary>
    public static long BytesPerStep(CodePredictorWeights weights) =>
        CodePredictorWeights.GroupCount * weights.Stack.MatrixBytes() + weights.LmHeads.Sum(m => m.ByteCount);

    private static (double Median, double Best, double CpuMs) TimeBatch(CodePredictorWeights weights, RowParallelism parallelism, int batch, int frames, int warmup, Random random, int h)
    {
        var hidden = RandomValues(random, batch * h);
        var codes = new int[batch * CodePredictorWeights.GroupCount];
        var feedback = new float[batch * h];
        var code0s = new int[batch];
        var sessions = Enumerable.Range(0, batch).Select(_ => new CodePredictorSession(weights, parallelism)).ToArray();
        var samplers = Enumerable.Range(0, batch).Select(_ => (ISubCodeSampler)new GreedySubCodeSampler()).ToArray();
        var batcher = batch > 1 ? new CodePredictorBatch(weights, batch, parallelism) : null;
        void Frame(int f)
        {
            for (var i = 0; i < batch; i++)
            {
                code0s[i] = (f * 7 + i * 13) % CodecTokenIds.CodebookSize;
            }
            if (batcher is null)
            {
                sessions[0].PredictFrame(hidden, code0s[0], samplers[0], codes, feedback);
            }
            else
            {
                batcher.PredictFrames(sessions, hidden, code0s, samplers, codes, feedback);
            }
        }
        var (median, best, cpu) = Time(frames, warmup, Frame);
        return (median / batch, best / batch, cpu / batch);
    }

    private static void RunLlama(PredictorFiles files, CodePredictorWeights weights, PredictorBenchOptions options, Func<int, double> bandwidth, List<PredictorTiming> results, Action<PredictorTiming>? progress)
    {
        var h = weights.HiddenSize;
        var hidden = RandomValues(new Random(42), h);
        var codes = new int[CodePredictorWeights.GroupCount];
        var format = weights.Stack.Layers[0].Q.Format;
        var work = Directory.CreateTempSubdirectory("qwen3-tts-bench-");
        try
        {
            foreach (var threads in options.Threads)
            {
                using var llama = LlamaPredictorBaseline.Create(files.Gguf, weights, work.FullName, threads);
                var (median, best, cpu) = Time(options.Frames, options.Warmup, f => llama.PredictFrame(hidden, f % CodecTokenIds.CodebookSize, codes));
                var timing = new PredictorTiming("llama.cpp + managed heads", format, LinearKernels.Default, threads, 1, median, best, cpu, BytesPerStep(weights), bandwidth(threads));
                results.Add(timing);
                progress?.Invoke(timing);
            }
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>The same predictor with every matrix in <paramref name="format"/> (re-encoded from the loaded values).</summary>
    public static CodePredictorWeights Reencode(CodePredictorWeights weights, WeightFormat format)
    {
        QuantizedMatrix Convert(QuantizedMatrix m) =>
            m.Format == format ? m : QuantizedMatrix.Create(format, m.ToFloat32(), m.Rows, m.Columns);
        var stack = weights.Stack;
        var layers = stack.Layers.Select(l => new Qwen3LayerWeights(
            l.AttnNorm, Convert(l.Q), Convert(l.K), Convert(l.V), Convert(l.O), l.QNorm, l.KNorm, l.FfnNorm,
            Convert(l.Gate), Convert(l.Up), Convert(l.Down))).ToArray();
        return new CodePredictorWeights(
            new Qwen3StackWeights(stack.Config, layers, stack.OutputNorm, "code_pred."),
            weights.CodecEmbeddings.ToArray(),
            weights.LmHeads.Select(Convert).ToArray(),
            weights.TalkerCodecEmbedding,
            weights.TtsPadEmbedding,
            weights.InputProjection); // the 1.7B predictor is narrower than its talker
    }

    private static (double Median, double Best, double CpuMs) Time(int frames, int warmup, Action<int> frame)
    {
        for (var i = 0; i < warmup; i++)
        {
            frame(i);
        }
        var samples = new double[frames];
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        for (var i = 0; i < frames; i++)
        {
            var clock = Stopwatch.GetTimestamp();
            frame(i);
            samples[i] = Stopwatch.GetElapsedTime(clock).TotalMilliseconds;
        }
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds / frames;
        Array.Sort(samples);
        return (samples[frames / 2], samples[0], cpu);
    }

    private static float[] RandomValues(Random random, int count)
    {
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = (float)(random.NextDouble() * 2 - 1);
        }
        return values;
    }
}
