using Qwen3Tts.Inference.Kernels.Float;

namespace Qwen3Tts.Inference.Codec.Decoder;

/// <summary>How the speech-tokenizer decoder runs (bound from the <c>vocoder</c> section of cluster.json / the CLI).</summary>
public sealed record DecoderOptions
{
    /// <summary>
    /// Compute threads for one decode call (the caller's thread plus Threads − 1 workers that block, never spin,
    /// between calls). Default: the process thread budget's decoder share (every compute core, capped at 4).
    /// </summary>
    public int Threads { get; init; } = Threading.ThreadBudget.Current.Decoder;

    /// <summary>
    /// Frames computed per pass: a call with more frames is split into passes. Longer passes read the weights
    /// fewer times per frame; each frame of capacity costs ~3 MB of pooled scratch.
    /// </summary>
    public int MaxFramesPerPass { get; init; } = 8;

    /// <summary>Kernel implementation; null = the fastest this CPU supports.</summary>
    public FloatKernelPath? KernelPath { get; init; }

    public void Validate()
    {
        if (Threads < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "must be at least 1");
        }
        if (MaxFramesPerPass is < 1 or > 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxFramesPerPass), MaxFramesPerPass, "must be in 1..1024");
        }
        if (KernelPath is { } path && !FloatKernelPaths.IsSupported(path))
        {
            throw new ArgumentOutOfRangeException(nameof(KernelPath), path, "this CPU does not support that kernel path");
        }
    }
}
