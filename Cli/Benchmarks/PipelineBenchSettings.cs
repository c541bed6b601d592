using Qwen3Tts.Inference.Checkpoints;
using Qwen3Tts.Inference.Sampling;
using Qwen3Tts.Inference.Talker;

namespace Qwen3Tts.Cli.Benchmarks;

/// <summary>What `qwen3-tts bench` was asked to measure.</summary>
internal sealed record PipelineBenchSettings(string ModelsDirectory, WeightPrecision Quant, int Frames, IReadOnlyList<int> Concurrency, EosMode Eos, bool Cluster,
    TalkerBackend TalkerEngine = TalkerBackend.Managed)
{
    /// <summary>A 10-word sentence, the length issue 12's first-audio target is stated for.</summary>
    public const string Text = "The quick brown fox jumps over the lazy dog near home.";

    public const ulong Seed = 42;
}
