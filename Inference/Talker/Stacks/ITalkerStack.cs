using Qwen3Tts.Inference.Benchmarks.Pipeline;

namespace Qwen3Tts.Inference.Talker.Stacks;

/// <summary>
/// The talker's 28-layer Qwen3 stack behind <see cref="TalkerModel"/>: it turns a session's rows into the final-normed hidden
/// state of its last row and keeps each KV sequence. The model owns everything else (sessions, the decode queue, the
/// prefix cache, the codec head) and serializes every call (its decode gate), so an implementation is never entered
/// twice at once. Two exist: <see cref="ManagedTalkerStack"/> (the project's Qwen3 engine and kernels) and
/// <see cref="LlamaTalkerStack"/> (llama.cpp through LLamaSharp).
/// </summary>
internal interface ITalkerStack : IDisposable
{
    /// <summary>What runs the stack, for logs and the benchmark ("managed", "llama.cpp").</summary>
    string Name { get; }

    int HiddenSize { get; }

    /// <summary>Bytes of the stack's weights: what one decode step streams, for the benchmark's floor.</summary>
    long WeightBytes { get; }

    /// <summary>Bytes the KV sequences hold now (llama.cpp: all of them, allocated at load; managed: what requests grew them to).</summary>
    long KvCacheBytes { get; }

    /// <summary>The threads a one-row step runs on.</summary>
    int StepThreads { get; }

    /// <summary>
    /// Appends each item's rows to its session's sequence from <see cref="TalkerSession.Position"/> on and writes the hidden
    /// state of its last row to <see cref="TalkerOutput.Hidden"/>. The positions are the model's to advance afterwards.
    /// </summary>
    void Decode(IReadOnlyList<TalkerDecodeItem> items);

    /// <summary>The state of a sequence holding exactly <paramref name="positions"/> positions, or null when it cannot be saved.</summary>
    byte[]? SaveSequence(int sequence, int positions);

    /// <summary>Loads a saved state into an empty sequence; false (and the sequence left empty) when it does not fit.</summary>
    bool RestoreSequence(int sequence, byte[] state, int positions);

    /// <summary>Forgets every position of a sequence.</summary>
    void ClearSequence(int sequence);

    /// <summary>
    /// For `bench`: a prompt of <paramref name="promptRows"/> copies of <paramref name="row"/> on the prompt threads (its wall time), then <paramref name="steps"/>
    /// bare one-row decodes on <paramref name="threads"/> threads (their process CPU time; each step's wall time in
    /// <paramref name="samples"/> and <paramref name="clock"/> when given), on <paramref name="sequence"/>, which is emptied after.
    /// </summary>
    (double PromptMs, double StepsCpuMs) TimeBareDecodes(ReadOnlySpan<float> row, int sequence, int promptRows, int steps, int threads, StageClock? clock, double[]? samples);
}
