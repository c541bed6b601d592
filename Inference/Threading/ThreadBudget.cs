namespace Qwen3Tts.Inference.Threading;

/// <summary>
/// How many compute threads each engine of the process gets by default, from one number of cores.
/// For one request the stages run one after another (talker step, predictor frame, vocoder window),
/// so each may use the cores the others leave idle; none of our pools spin while idle (the predictor's
/// row workers block on a semaphore), so their threads cost nothing between steps. llama.cpp's do spin
/// at every barrier inside a decode, and a decode on 2 threads whose second core is busy cost 331
/// CPU-ms against 75 on 1 thread (issue 12, 2-core box under load) — so on 2 cores llama.cpp's talker gets 1.
/// The managed talker stack (the default) runs on the predictor's row workers instead: a request's talker step and
/// predictor pass never overlap, so the two share <see cref="Predictor"/> threads.
/// An explicit per-engine setting (talker.threads, predictor.threads, vocoder.intraOpThreads) wins.
/// </summary>
public sealed record ThreadBudget(int Cores, int Talker, int Predictor, int Decoder)
{
    /// <summary>Environment variable with the number of cores to plan for (0 or unset = detect).</summary>
    public const string CoresVariable = "QWEN3_TTS_THREADS";

    private static ThreadBudget s_current = FromEnvironment();

    /// <summary>The process budget: <see cref="CoresVariable"/>, cluster.json "threads" or the detected compute cores.</summary>
    public static ThreadBudget Current => Volatile.Read(ref s_current);

    /// <summary>Plans for <paramref name="cores"/> cores (0 = detect); hosts call this once, before loading the engines.</summary>
    public static ThreadBudget Configure(int cores)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cores);
        var budget = cores == 0 ? FromEnvironment() : For(cores);
        Volatile.Write(ref s_current, budget);
        return budget;
    }

    /// <summary>
    /// The split for a number of cores: the predictor's products and the vocoder use up to 4 (both are
    /// bandwidth-bound beyond that on the boards we know); llama.cpp gets 1 thread on 2 cores (see the
    /// type comment), half the cores from 4 on (RK3588's 4 big cores: 2).
    /// </summary>
    public static ThreadBudget For(int cores)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(cores, 1);
        var talker = cores <= 2 ? 1 : cores / 2;
        return new ThreadBudget(cores, talker, Math.Min(cores, 4), Math.Min(cores, 4));
    }

    public override string ToString() => $"{Cores} cores: talker {Talker}, predictor {Predictor}, decoder {Decoder} threads";

    private static ThreadBudget FromEnvironment()
    {
        var text = Environment.GetEnvironmentVariable(CoresVariable);
        if (!string.IsNullOrWhiteSpace(text))
        {
            if (!int.TryParse(text.Trim(), out var cores) || cores < 0)
            {
                throw new ArgumentException($"{CoresVariable}={text}: expected a number of cores (0 = detect).");
            }
            if (cores > 0)
            {
                return For(cores);
            }
        }
        return For(CpuTopology.Detect().ComputeCores);
    }
}
