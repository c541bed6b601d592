using System.Diagnostics;
using Qwen3Tts.Inference.Codec.SpeakerEncoder;
using Qwen3Tts.Inference.Qwen3;

namespace Qwen3Tts.Inference.Benchmarks;

/// <summary>
/// Times the speaker encoder's front end and network on one clip: wall and process CPU milliseconds per
/// run (median and best of several), once on the calling thread and once on the shared row workers.
/// </summary>
public static class SpeakerEncoderBenchmark
{
    public sealed record Timing(string Stage, int Threads, double MedianWallMs, double BestWallMs, double MedianCpuMs);

    public static IReadOnlyList<Timing> Run(EcapaTdnn network, ReadOnlySpan<float> clip, int runs)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentOutOfRangeException.ThrowIfLessThan(runs, 1);
        var frames = SpeakerMelSpectrogram.FrameCount(clip.Length);
        var mel = new float[frames * SpeakerMelSpectrogram.MelBands];
        var xvector = new float[network.Config.EncDim];
        var audio = clip.ToArray();
        var results = new List<Timing>
        {
            Measure("mel front end", 1, runs, () => SpeakerMelSpectrogram.Shared.Compute(audio, mel)),
        };
        foreach (var threads in new[] { RowParallelism.Sequential, RowParallelism.Shared }.DistinctBy(t => t.WorkerCount))
        {
            results.Add(Measure("ECAPA-TDNN network", threads.WorkerCount, runs, () => network.Forward(mel, frames, xvector, threads)));
        }
        return results;
    }

    /// <summary>A voiced-sounding test clip (the cost does not depend on the content): a 140 Hz harmonic series plus a little noise.</summary>
    public static float[] Clip(double seconds)
    {
        var samples = checked((int)(seconds * SpeakerMelSpectrogram.SampleRate));
        var audio = new float[samples];
        var random = new Random(1);
        for (var n = 0; n < samples; n++)
        {
            var phase = 2 * Math.PI * 140 * n / SpeakerMelSpectrogram.SampleRate;
            audio[n] = (float)(0.2 * (Math.Sin(phase) + 0.5 * Math.Sin(2 * phase) + 0.25 * Math.Sin(3 * phase)) + 0.01 * (random.NextDouble() * 2 - 1));
        }
        return audio;
    }

    private static Timing Measure(string stage, int threads, int runs, Action action)
    {
        action(); // warm-up: JIT, pools
        var wall = new double[runs];
        var cpu = new double[runs];
        using var process = Process.GetCurrentProcess();
        for (var i = 0; i < runs; i++)
        {
            process.Refresh();
            var cpuStart = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            action();
            wall[i] = clock.Elapsed.TotalMilliseconds;
            process.Refresh();
            cpu[i] = (process.TotalProcessorTime - cpuStart).TotalMilliseconds;
        }
        return new Timing(stage, threads, Median(wall), wall.Min(), Median(cpu));
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
