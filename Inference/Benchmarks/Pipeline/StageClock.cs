using System.Diagnostics;

namespace Qwen3Tts.Inference.Benchmarks.Pipeline;

/// <summary>
/// Wall time and process CPU time spent inside one pipeline stage, summed over its calls. Process CPU time
/// (every thread: llama.cpp's, the predictor's row workers, the decoder's) is the right measure only while
/// the stages run one after another, which is how <see cref="StagedSynthesis"/> drives them.
/// </summary>
public sealed class StageClock
{
    private long _wallTicks;
    private TimeSpan _cpu;

    public int Calls { get; private set; }

    public double WallMs => Stopwatch.GetElapsedTime(0, _wallTicks).TotalMilliseconds;

    public double CpuMs => _cpu.TotalMilliseconds;

    public Span Start() => new(this, Stopwatch.GetTimestamp(), Environment.CpuUsage.TotalTime);

    /// <summary>One timed call; disposing it adds the call to the clock.</summary>
    public readonly struct Span(StageClock clock, long wallStart, TimeSpan cpuStart) : IDisposable
    {
        public void Dispose()
        {
            clock._wallTicks += Stopwatch.GetTimestamp() - wallStart;
            clock._cpu += Environment.CpuUsage.TotalTime - cpuStart;
            clock.Calls++;
        }
    }
}
