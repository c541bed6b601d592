using Qwen3Tts.Inference.Benchmarks;
using Qwen3Tts.Inference.Benchmarks.Pipeline;

namespace Qwen3Tts.Inference.Talker;

public sealed partial class TalkerModel
{
    /// <summary>The threads a one-row step runs on.</summary>
    internal int StepThreads => _stack.StepThreads;

    /// <summary>The runtime GGUF this model runs.</summary>
    internal string RuntimeGgufPath => _file.Path;

    /// <summary>
    /// For `bench`: times <paramref name="steps"/> bare decodes of one row on <paramref name="session"/>'s sequence, after an
    /// untimed prompt of <paramref name="promptRows"/> rows: the same stack a talker step uses, on <paramref name="threads"/>
    /// threads (0 = the step threads), without the decode queue, the embeddings or the codec head. A talker step's overhead
    /// over its stack is its time over this. The sequence is emptied again before this returns.
    /// </summary>
    internal async Task TimeRawDecodesAsync(TalkerSession session, int promptRows, int steps, int threads, StageClock clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clock);
        await RawDecodesAsync(session, promptRows, steps, threads, clock, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>For `bench talker`: the prompt's decode time and each step's, as <see cref="TimeRawDecodesAsync"/> runs them.</summary>
    internal async Task<TalkerStackTiming> TimeStackAsync(TalkerSession session, int promptRows, int steps, int threads, CancellationToken cancellationToken)
    {
        var samples = new double[steps];
        var (promptMs, stepsCpuMs) = await RawDecodesAsync(session, promptRows, steps, threads, null, samples, cancellationToken).ConfigureAwait(false);
        Array.Sort(samples);
        return new TalkerStackTiming(_stack.Name, threads == 0 ? StepThreads : threads, promptMs, samples[steps / 2], samples[0], stepsCpuMs / steps);
    }

    /// <summary>Small values, like a real row's scale; what they are does not change the cost of a decode.</summary>
    private static float[] BenchRow(int width)
    {
        var row = new float[width];
        for (var i = 0; i < row.Length; i++)
        {
            row[i] = ((i * 7919) % 201 - 100) * 1e-3f;
        }
        return row;
    }

    private async Task<(double PromptMs, double StepsCpuMs)> RawDecodesAsync(TalkerSession session, int promptRows, int steps, int threads, StageClock? clock, double[]? samples,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentOutOfRangeException.ThrowIfLessThan(promptRows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        session.CheckCapacity(promptRows + steps);
        await _decodeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var stepThreads = threads == 0 ? StepThreads : threads;
            var row = BenchRow(HiddenSize);
            return await Task.Run(() => _stack.TimeBareDecodes(row, session.Sequence, promptRows, steps, stepThreads, clock, samples), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _decodeGate.Release();
        }
    }
}
