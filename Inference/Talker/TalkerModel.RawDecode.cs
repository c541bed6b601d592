using LLama.Native;
using Qwen3Tts.Inference.Benchmarks.Pipeline;

namespace Qwen3Tts.Inference.Talker;

public sealed partial class TalkerModel
{
    /// <summary>
    /// For `bench`: times <paramref name="steps"/> bare llama.cpp decodes of one row on <paramref name="session"/>'s
    /// sequence, after an untimed prompt of <paramref name="promptRows"/> rows: the same file and context a talker step
    /// uses, on <paramref name="threads"/> threads (0 = the step threads), without the decode queue, the embeddings or the
    /// codec head. A talker step's overhead over llama.cpp itself is its time over this. The sequence is emptied again
    /// before this returns.
    /// </summary>
    internal async Task TimeRawDecodesAsync(TalkerSession session, int promptRows, int steps, int threads, StageClock clock, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        ArgumentNullException.ThrowIfNull(session);
        ArgumentOutOfRangeException.ThrowIfLessThan(promptRows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        session.CheckCapacity(promptRows + steps);
        await _decodeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await Task.Run(() => RawDecodes(session.Sequence, promptRows, steps, threads == 0 ? _stepThreads : threads, clock), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _context.NativeHandle.GenerationThreads = _stepThreads;
            _context.NativeHandle.MemorySequenceRemove((LLamaSeqId)session.Sequence, -1, -1);
            _decodeGate.Release();
        }
    }

    /// <summary>The threads a one-row step runs on.</summary>
    internal int StepThreads => _stepThreads;

    private void RawDecodes(int sequence, int promptRows, int steps, int threads, StageClock clock)
    {
        // Small values, like a real row's scale; what they are does not change the cost of a decode.
        var row = new float[HiddenSize];
        for (var i = 0; i < row.Length; i++)
        {
            row[i] = ((i * 7919) % 201 - 100) * 1e-3f;
        }
        _context.NativeHandle.BatchThreads = _prefillThreads;
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
        _context.NativeHandle.GenerationThreads = threads;
        for (var s = 0; s < steps; s++, position++)
        {
            _batch.Clear();
            _batch.Add(row, position, sequence, output: true);
            using (clock.Start())
            {
                Check(_batch.Decode(_context.NativeHandle));
            }
        }
    }

    private static void Check(DecodeResult result)
    {
        if (result != DecodeResult.Ok)
        {
            throw new TalkerException($"llama.cpp decode failed: {result}");
        }
    }
}
