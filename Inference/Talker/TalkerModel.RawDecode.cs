using System.Diagnostics;
using LLama.Native;
using Qwen3Tts.Inference.Benchmarks;
using Qwen3Tts.Inference.Benchmarks.Pipeline;

namespace Qwen3Tts.Inference.Talker;

public sealed partial class TalkerModel
{
    /// <summary>The threads a one-row step runs on.</summary>
    internal int StepThreads => _stepThreads;

    /// <summary>The runtime GGUF this model runs (for `bench talker`, which reads its layer stack into the managed engine).</summary>
    internal string RuntimeGgufPath => _file.Path;

    /// <summary>
    /// For `bench`: times <paramref name="steps"/> bare llama.cpp decodes of one row on <paramref name="session"/>'s
    /// sequence, after an untimed prompt of <paramref name="promptRows"/> rows: the same file and context a talker step
    /// uses, on <paramref name="threads"/> threads (0 = the step threads), without the decode queue, the embeddings or the
    /// codec head. A talker step's overhead over llama.cpp itself is its time over this. The sequence is emptied again
    /// before this returns.
    /// </summary>
    internal async Task TimeRawDecodesAsync(TalkerSession session, int promptRows, int steps, int threads, StageClock clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clock);
        await RawDecodesAsync(session, promptRows, steps, threads, clock, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>For `bench talker`: the prompt's decode time and each step's, as <see cref="TimeRawDecodesAsync"/> runs them.</summary>
    internal async Task<TalkerStackTiming> TimeLlamaAsync(TalkerSession session, int promptRows, int steps, int threads, CancellationToken cancellationToken)
    {
        var samples = new double[steps];
        var (promptMs, stepsCpuMs) = await RawDecodesAsync(session, promptRows, steps, threads, null, samples, cancellationToken).ConfigureAwait(false);
        Array.Sort(samples);
        return new TalkerStackTiming("llama.cpp", threads == 0 ? _stepThreads : threads, promptMs, samples[steps / 2], samples[0], stepsCpuMs / steps);
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
            var stepThreads = threads == 0 ? _stepThreads : threads;
            return await Task.Run(() => RawDecodes(session.Sequence, promptRows, steps, stepThreads, clock, samples), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _context.NativeHandle.GenerationThreads = _stepThreads;
            _context.NativeHandle.MemorySequenceRemove((LLamaSeqId)session.Sequence, -1, -1);
            _decodeGate.Release();
        }
    }

    /// <summary>The prompt (on the prompt threads; its wall time), then the steps on <paramref name="threads"/> (their process CPU time).</summary>
    private (double PromptMs, double StepsCpuMs) RawDecodes(int sequence, int promptRows, int steps, int threads, StageClock? clock, double[]? samples)
    {
        // Small values, like a real row's scale; what they are does not change the cost of a decode.
        var row = new float[HiddenSize];
        for (var i = 0; i < row.Length; i++)
        {
            row[i] = ((i * 7919) % 201 - 100) * 1e-3f;
        }
        _context.NativeHandle.BatchThreads = _prefillThreads;
        var start = Stopwatch.GetTimestamp();
        var position = 0;
        while (position < promptRows)
        {
            _batch.Clear();
            for (var used = 0; used < Options.BatchSize && position < promptRows; used++, position++)
            {
                _batch.Add(row, position, sequence, position == promptRows - 1);
            }
            Check(_batch.Decode(_context.NativeHandle));
        }
        var promptMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        _context.NativeHandle.GenerationThreads = threads;
        var cpuBefore = Environment.CpuUsage.TotalTime;
        for (var s = 0; s < steps; s++, position++)
        {
            _batch.Clear();
            _batch.Add(row, position, sequence, output: true);
            var stepStart = Stopwatch.GetTimestamp();
            using (clock?.Start())
            {
                Check(_batch.Decode(_context.NativeHandle));
            }
            if (samples is not null)
            {
                samples[s] = Stopwatch.GetElapsedTime(stepStart).TotalMilliseconds;
            }
        }
        return (promptMs, (Environment.CpuUsage.TotalTime - cpuBefore).TotalMilliseconds);
    }

    private static void Check(DecodeResult result)
    {
        if (result != DecodeResult.Ok)
        {
            throw new TalkerException($"llama.cpp decode failed: {result}");
        }
    }
}
