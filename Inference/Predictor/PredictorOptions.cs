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
    /// The longest a pass waits for the requests on their way back to it, in microseconds (0 = never wait). Each request's
    /// loop is talker step, predictor frame, talker step ...: without the wait, 4 concurrent requests settle into two
    /// phases, two at the talker while two are here (1.9 frames per pass), and pay for two smaller batches where one
    /// would do (a batch of 4 costs 77 CPU-ms a frame, of 2 96). With it, a pass waits for each request that left it
    /// and is due back (its usual time away, averaged per request) within this window, so the requests meet here and
    /// stay together. A request is not waited for once it is overdue (twice its usual time away: it ended, was
    /// cancelled, or is held up by its client or vocoder), nor after its channel or grain is released, and a lone
    /// request never waits. The window covers a talker step on a loaded box (40-60 ms at 0.6B with 4 sequences).
    /// </summary>
    public int GatherMicroseconds { get; set; } = 100_000;

    /// <summary>Threads that split each matrix product; 0 = the process thread budget's share (see <c>ThreadBudget</c>).</summary>
    public int Threads { get; set; }

    public void Validate()
    {
        if (MaxBatch is < 1 or > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBatch), MaxBatch, "predictor.maxBatch must lie in [1, 64].");
        }
        if (GatherMicroseconds is < 0 or > 1_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(GatherMicroseconds), GatherMicroseconds, "predictor.gatherMicroseconds must lie in [0, 1000000] (0 = never wait).");
        }
        if (Threads is < 0 or > 256)
        {
            throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "predictor.threads must lie in [0, 256] (0 = automatic).");
        }
    }
}
