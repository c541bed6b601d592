namespace Qwen3Tts.Inference.Threading;

/// <summary>
/// Keeps the thread pool's minimum above the pool threads that long CPU work holds (a vocoder stream's decode worker
/// holds one for each decode, tens of ms), plus one per core. Below that minimum the pool adds threads only slowly, so a
/// frame loop's continuation queued behind the decodes waited for one: when a predictor pass of 4 ended, two streams
/// woke their vocoders, which took the two pool threads of a 2-core box, and the other two reached the talker ~30-100 ms
/// later, too late for its decode (measured: 2.6 frames per predictor pass with 4 streams, 3.1 with room in the pool).
/// The minimum is only raised, never lowered: threads above the load retire by themselves.
/// </summary>
internal static class ThreadPoolHeadroom
{
    private static readonly Lock Gate = new();
    private static int _held;

    /// <summary>One more long worker on the pool; pair with <see cref="Release"/>.</summary>
    public static void Hold()
    {
        lock (Gate)
        {
            _held++;
            ThreadPool.GetMinThreads(out var workers, out var completionPorts);
            var wanted = Environment.ProcessorCount + _held;
            if (workers < wanted)
            {
                ThreadPool.SetMinThreads(wanted, completionPorts);
            }
        }
    }

    public static void Release()
    {
        lock (Gate)
        {
            _held--;
        }
    }
}
