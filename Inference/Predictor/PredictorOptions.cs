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

    /// <summary>Threads that split each matrix product; 0 = the process thread budget's share (see <c>ThreadBudget</c>).</summary>
    public int Threads { get; set; }

    public void Validate()
    {
        if (MaxBatch is < 1 or > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBatch), MaxBatch, "predictor.maxBatch must lie in [1, 64].");
        }
        if (Threads is < 0 or > 256)
        {
            throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "predictor.threads must lie in [0, 256] (0 = automatic).");
        }
    }
}
