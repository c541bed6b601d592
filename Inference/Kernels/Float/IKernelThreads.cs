using Qwen3Tts.Inference.Qwen3;

namespace Qwen3Tts.Inference.Kernels.Float;

/// <summary>
/// Whatever runs the units of one kernel call (conv tiles, SnakeBeta rows) across threads. Every unit computes
/// its outputs by itself, so which thread runs which unit never changes a bit of the result.
/// </summary>
internal interface IKernelThreads
{
    int WorkerCount { get; }

    /// <summary>Runs units 0 … <paramref name="units"/> − 1 of <paramref name="work"/>; <paramref name="cost"/> (in multiply-adds) decides whether to split at all.</summary>
    void Run(IRowRangeWork work, int units, long cost);
}

/// <summary>A <see cref="RowParallelism"/> (fixed equal slices) as kernel threads: what the speaker encoder and a host-shared pool use.</summary>
internal sealed class RowParallelismThreads(RowParallelism parallelism) : IKernelThreads
{
    public int WorkerCount => parallelism.WorkerCount;

    public void Run(IRowRangeWork work, int units, long cost) => parallelism.Run(work, units, cost);
}
