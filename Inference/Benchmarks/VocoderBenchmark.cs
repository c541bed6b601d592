using System.Diagnostics;
using Qwen3Tts.Inference.Codec.Decoder;
using Qwen3Tts.Inference.Vocoder;

namespace Qwen3Tts.Inference.Benchmarks;

/// <summary>One measured vocoder configuration: medians per emitted frame.</summary>
/// <param name="ChunkFrames">New frames per call (native: the stream's chunk; ONNX: window − context).</param>
/// <param name="FlopsPerFrame">Floating-point operations per emitted frame (native only; 0 when unknown).</param>
public sealed record VocoderTiming(string Engine, int Threads, int ChunkFrames, double WallMsPerFrame, double CpuMsPerFrame, double FlopsPerFrame)
{
    /// <summary>GFLOP per CPU-second: how fast each busy core computes.</summary>
    public double GigaFlopsPerCpuSecond => FlopsPerFrame / (CpuMsPerFrame / 1000) / 1e9;
}

/// <summary>One thread count's per-stage breakdown of a native stream: ms per frame, stage by stage.</summary>
public sealed record VocoderStageTiming(int Threads, int ChunkFrames, IReadOnlyList<string> Stages, IReadOnlyList<double> WallMsPerFrame, IReadOnlyList<double> CpuMsPerFrame);

/// <summary>
/// Times the vocoders the way a stream uses them. Native: one decoder session fed <c>frames</c> random codes
/// in calls of <c>chunk</c> frames (after a warm-up stream), the median of <c>repeats</c>. ONNX: the seed's
/// fixed window decoded whole, charged to the frames each call emits (window − context). CPU time is the
/// process's, so the benchmark runs nothing else meanwhile.
/// </summary>
public static class VocoderBenchmark
{
    public static IReadOnlyList<VocoderTiming> RunNative(string speechTokenizer, IReadOnlyList<int> threadCounts, IReadOnlyList<int> chunks,
        int frames, int repeats, Action<VocoderTiming>? report = null)
    {
        Check(frames, repeats);
        var timings = new List<VocoderTiming>();
        foreach (var threads in threadCounts)
        {
            using var decoder = SpeechTokenizerDecoder.Load(speechTokenizer, new DecoderOptions { Threads = threads, MaxFramesPerPass = Math.Max(8, chunks.Max()) });
            var codes = RandomCodes(frames, decoder.CodebookCount, decoder.Config.CodebookSize);
            var audio = new float[frames * decoder.SamplesPerFrame];
            var flops = 2.0 * decoder.MultiplyAddsPerFrame;
            foreach (var chunk in chunks)
            {
                Stream(decoder, codes, Math.Min(frames, 2 * chunk), chunk, audio);
                var (wall, cpu) = Time(repeats, () => Stream(decoder, codes, frames, chunk, audio));
                var timing = new VocoderTiming("native", threads, chunk, wall / frames, cpu / frames, flops);
                timings.Add(timing);
                report?.Invoke(timing);
            }
        }
        return timings;
    }

    /// <summary>
    /// Where a native stream's time goes: the same stream as <see cref="RunNative"/> at one chunk size, per decoder stage,
    /// for each thread count (ms per frame, summed over <paramref name="repeats"/> streams after a warm-up).
    /// </summary>
    public static IReadOnlyList<VocoderStageTiming> RunStages(string speechTokenizer, IReadOnlyList<int> threadCounts, int chunk, int frames, int repeats)
    {
        Check(frames, repeats);
        var breakdowns = new List<VocoderStageTiming>();
        foreach (var threads in threadCounts)
        {
            using var decoder = SpeechTokenizerDecoder.Load(speechTokenizer, new DecoderOptions { Threads = threads, MaxFramesPerPass = Math.Max(8, chunk) });
            var codes = RandomCodes(frames, decoder.CodebookCount, decoder.Config.CodebookSize);
            var audio = new float[frames * decoder.SamplesPerFrame];
            var clock = decoder.AttachStageClock();
            Stream(decoder, codes, Math.Min(frames, 2 * chunk), chunk, audio);
            clock.Reset();
            for (var i = 0; i < repeats; i++)
            {
                Stream(decoder, codes, frames, chunk, audio);
            }
            var perFrame = 1.0 / ((double)frames * repeats);
            breakdowns.Add(new VocoderStageTiming(threads, chunk, clock.Names,
                clock.WallMs.Select(ms => ms * perFrame).ToArray(), clock.CpuMs.Select(ms => ms * perFrame).ToArray()));
        }
        return breakdowns;
    }

    /// <summary>The seed's window at each thread count; <paramref name="windowFrames"/> receives the model's window.</summary>
    public static IReadOnlyList<VocoderTiming> RunOnnx(string vocoderOnnx, IReadOnlyList<int> threadCounts, int contextFrames, int repeats,
        out int windowFrames, Action<VocoderTiming>? report = null)
    {
        Check(1, repeats);
        var timings = new List<VocoderTiming>();
        windowFrames = 0;
        foreach (var threads in threadCounts)
        {
            var options = new VocoderOptions { Engine = VocoderEngine.Onnx, IntraOpThreads = threads, ContextFrames = contextFrames };
            using var model = VocoderModel.Load(vocoderOnnx, options);
            windowFrames = model.WindowFrames;
            var emitted = options.EffectiveChunkFrames(model.WindowFrames);
            var codes = RandomCodes(model.WindowFrames, VocoderModel.CodebookCount, VocoderModel.CodebookSize);
            var audio = new float[model.WindowSamples];
            model.DecodeWindow(codes, audio);
            var (wall, cpu) = Time(repeats, () => model.DecodeWindow(codes, audio));
            var timing = new VocoderTiming("onnx", threads, emitted, wall / emitted, cpu / emitted, 0);
            timings.Add(timing);
            report?.Invoke(timing);
        }
        return timings;
    }

    private static void Stream(SpeechTokenizerDecoder decoder, long[] codes, int frames, int chunk, float[] audio)
    {
        using var session = decoder.CreateSession();
        var books = decoder.CodebookCount;
        var samples = decoder.SamplesPerFrame;
        for (var start = 0; start < frames; start += chunk)
        {
            var n = Math.Min(chunk, frames - start);
            session.Decode(codes.AsSpan(start * books, n * books), audio.AsSpan(start * samples, n * samples));
        }
    }

    /// <summary>Median wall and CPU milliseconds of <paramref name="repeats"/> runs.</summary>
    private static (double WallMs, double CpuMs) Time(int repeats, Action run)
    {
        var walls = new double[repeats];
        var cpus = new double[repeats];
        using var process = Process.GetCurrentProcess();
        for (var i = 0; i < repeats; i++)
        {
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            run();
            walls[i] = clock.Elapsed.TotalMilliseconds;
            process.Refresh();
            cpus[i] = (process.TotalProcessorTime - cpu).TotalMilliseconds;
        }
        Array.Sort(walls);
        Array.Sort(cpus);
        return (walls[repeats / 2], cpus[repeats / 2]);
    }

    private static long[] RandomCodes(int frames, int books, int size)
    {
        var random = new Random(17);
        var codes = new long[frames * books];
        for (var i = 0; i < codes.Length; i++)
        {
            codes[i] = random.Next(size);
        }
        return codes;
    }

    private static void Check(int frames, int repeats)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(frames, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
    }
}
