using System.Diagnostics;
using Qwen3Tts.Inference.Codec.Encoder;

namespace Qwen3Tts.Inference.Benchmarks;

/// <summary>One measured encoder configuration: median wall and CPU seconds per second of audio.</summary>
public sealed record EncoderTiming(int Threads, double AudioSeconds, double MedianWallSeconds, double MedianCpuSeconds, double MultiplyAddsPerAudioSecond)
{
    public double WallPerAudioSecond => MedianWallSeconds / AudioSeconds;

    public double CpuPerAudioSecond => MedianCpuSeconds / AudioSeconds;

    public double GigaFlopsPerSecond => 2 * MultiplyAddsPerAudioSecond * AudioSeconds / MedianWallSeconds / 1e9;
}

/// <summary>
/// Times the audio encoder on a synthetic clip (speech-like partials and noise) at each thread count: one
/// warm-up encode, then the median of <c>repeats</c>. CPU time is the process's, so other work in the process
/// during the run would count too; the benchmark runs nothing else.
/// </summary>
public static class EncoderBenchmark
{
    public static IReadOnlyList<EncoderTiming> Run(string speechTokenizer, double audioSeconds, IEnumerable<int> threadCounts, int repeats = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        if (audioSeconds <= 0)
        {
            throw new ArgumentException($"the clip length must be positive, got {audioSeconds} s");
        }
        using var checkpoint = MimiEncoderCheckpoint.Open(speechTokenizer);
        var clip = Clip(checkpoint.Config.SampleRate, audioSeconds);
        var timings = new List<EncoderTiming>();
        foreach (var threads in threadCounts)
        {
            var encoder = MimiAudioEncoder.Load(checkpoint, new MimiEncoderOptions { Threads = threads });
            encoder.Encode(clip);
            var walls = new List<double>();
            var cpus = new List<double>();
            for (var i = 0; i < repeats; i++)
            {
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                var clock = Stopwatch.StartNew();
                encoder.Encode(clip);
                walls.Add(clock.Elapsed.TotalSeconds);
                cpus.Add((Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
            }
            timings.Add(new EncoderTiming(threads, audioSeconds, Median(walls), Median(cpus), encoder.MultiplyAddsPerSecond));
        }
        return timings;
    }

    private static float[] Clip(int rate, double seconds)
    {
        var random = new Random(11);
        var samples = new float[(int)(rate * seconds)];
        for (var n = 0; n < samples.Length; n++)
        {
            var t = n / (double)rate;
            var f0 = 130 + 25 * Math.Sin(2 * Math.PI * 2.5 * t);
            samples[n] = (float)(0.2 * Math.Sin(2 * Math.PI * f0 * t) + 0.08 * Math.Sin(2 * Math.PI * 2.7 * f0 * t) + 0.03 * (random.NextDouble() * 2 - 1));
        }
        return samples;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }
}
