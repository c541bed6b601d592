namespace Qwen3Tts.Inference.Predictor;

/// <summary>The code predictor's serving options (cluster.json "predictor" section, CLI).</summary>
public sealed class PredictorOptions
{
    /// <summary>
    /// Most frames of concurrent requests run as one batched forward. Each weight is then read once per
    /// step for all of them; the predictor streams ~1.3 GB per step at Q8_0, so batching is where
    /// concurrent requests get throughput on a bandwidth-bound CPU.
    /// </summary>
    public int MaxBatch { get; set; } = 8;

    /// <summary>
    /// How long a pass waits for the frames of the other active requests before it starts without them, in
    /// microseconds (0 = never wait). Concurrent requests' frames arrive microseconds apart (the talker steps
    /// that produce them end in one batch), and the first one used to start a lone pass while the rest queued
    /// behind it: 4 streams ran 1.94 frames per pass. A lone request never waits (see <c>RecentCallers</c>).
    /// Off by default: measured with 4 streams it did not raise the frames per pass (1.86 off, 1.94 at 3 ms,
    /// 2.21 at 30 ms), because the streams settle into two phases, one at the talker while the other is here,
    /// and a window shorter than a talker step cannot merge them; and for 2 s after a request ends, a lone
    /// back-to-back request still waits out the window. Kept as an option for hosts that serve many streams.
    /// </summary>
    public int GatherMicroseconds { get; set; }

    /// <summary>Threads that split each matrix product; 0 = the process thread budget's share (see <c>ThreadBudget</c>).</summary>
    public int Threads { get; set; }

    public void Validate()
    {
        if (MaxBatch is < 1 or > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBatch), MaxBatch, "predictor.maxBatch must lie in [1, 64].");
        }
        if (GatherMicroseconds is < 0 or > 100_000)
        {
            throw new ArgumentOutOfRangeException(nameof(GatherMicroseconds), GatherMicroseconds, "predictor.gatherMicroseconds must lie in [0, 100000].");
        }
        if (Threads is < 0 or > 256)
        {
            throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "predictor.threads must lie in [0, 256] (0 = automatic).");
        }
    }
}
