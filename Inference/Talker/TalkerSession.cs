using Qwen3Tts.Inference.Threading;

namespace Qwen3Tts.Inference.Talker;

/// <summary>
/// One request's state in the talker: its KV sequence and position. Dispose frees the sequence
/// (its KV cache rows) for the next request — also when the request is cancelled.
/// </summary>
public sealed class TalkerSession : IAsyncDisposable
{
    private readonly TalkerModel _model;
    // A session has at most one decode in flight (each step needs the previous one's output), so one completion serves them all.
    private readonly ReusableCompletion _stepDone = new();
    private readonly ReusableResult<TalkerOutput> _stepOutput;
    private int _disposed;

    internal TalkerSession(TalkerModel model, int sequence)
    {
        _model = model;
        Sequence = sequence;
        Output = new TalkerOutput(model.HiddenSize, model.VocabSize);
        _stepOutput = new ReusableResult<TalkerOutput>(_stepDone, () => Output);
    }

    internal int Sequence { get; }

    /// <summary>Next position of this sequence (= rows decoded so far).</summary>
    public int Position { get; internal set; }

    /// <summary>Outputs of the last decoded row; overwritten by the next prefill/step.</summary>
    public TalkerOutput Output { get; }

    public int HiddenSize => _model.HiddenSize;

    /// <summary>
    /// Decodes the prompt rows (row-major [rowCount, hidden]). The first <paramref name="prefixRows"/> rows do not
    /// depend on the text (<see cref="Prompt.TalkerPrompt.PrefixRowCount"/>): their KV state comes from the model's
    /// prefix cache when it has them, and goes into it when it does not, so only the text rows are computed on a hit.
    /// A restored state holds the same bits the decode wrote (either stack copies its K/V cells), so the outputs are equal.
    /// </summary>
    public async Task<TalkerOutput> PrefillAsync(ReadOnlyMemory<float> rows, int rowCount, int prefixRows = 0, CancellationToken cancellationToken = default)
    {
        var cache = _model.PrefixCache;
        if (prefixRows <= 0 || prefixRows >= rowCount || Position != 0 || !cache.Enabled)
        {
            return await DecodeAsync(rows, rowCount, cancellationToken).ConfigureAwait(false);
        }
        var hidden = _model.HiddenSize;
        var prefix = rows[..(prefixRows * hidden)];
        if (cache.Find(prefix.Span) is not { } state || !await _model.RestorePrefixAsync(this, state, prefixRows, cancellationToken).ConfigureAwait(false))
        {
            await DecodeAsync(prefix, prefixRows, cancellationToken, alone: true).ConfigureAwait(false);
            await _model.SavePrefixAsync(this, prefix, cancellationToken).ConfigureAwait(false);
        }
        return await DecodeAsync(rows[(prefixRows * hidden)..], rowCount - prefixRows, cancellationToken, alone: true).ConfigureAwait(false);
    }

    /// <summary>
    /// Decodes one generation step input (a hidden-size vector) in the model's queue, batched with other sessions'
    /// steps. Allocates nothing: <paramref name="input"/> must stay unchanged until the step completes, and the
    /// result is <see cref="Output"/>, overwritten by the next step.
    /// </summary>
    public ValueTask<TalkerOutput> StepAsync(ReadOnlyMemory<float> input, CancellationToken cancellationToken = default)
    {
        QueueStep(input, cancellationToken);
        return _stepOutput.Current;
    }

    /// <summary>
    /// The completion of the step <see cref="QueueStep"/> queued: for a caller that computes its own result when the step
    /// is done (<see cref="TalkerUtterance"/>: the sampled code) through a <see cref="ReusableResult{T}"/> of its own.
    /// </summary>
    internal ReusableCompletion StepCompletion => _stepDone;

    /// <summary>Arms <see cref="StepCompletion"/> and queues one step; await the completion's current arming once.</summary>
    internal void QueueStep(ReadOnlyMemory<float> input, CancellationToken cancellationToken)
    {
        CheckRows(input, 1);
        _ = _stepDone.Arm();
        _model.Enqueue(new TalkerDecodeItem(this, input, 1), _stepDone, cancellationToken);
    }

    /// <param name="alone">
    /// One decode of these rows and nothing else, instead of the queue that batches them with other requests' steps.
    /// The parts of a prefill split at a cached prefix go alone: mixed into such a batch, the few text rows after a
    /// cached prefix changed the audio of a seed under overlap (OverlapDeterminismTests: 4 overlapping long texts,
    /// 418,560 samples alone against 560,640 together; frame 0 already differed), while a whole prompt decoded in the
    /// queue does not. Our reading, not proven: llama.cpp splits a mixed batch into equal per-sequence micro-batches,
    /// so the last of a few rows lands in a micro-batch of another size, on a matrix kernel with another summation
    /// order. A prefill runs once per request, so the steps it makes wait cost little.
    /// </param>
    private async Task<TalkerOutput> DecodeAsync(ReadOnlyMemory<float> rows, int rowCount, CancellationToken cancellationToken, bool alone = false)
    {
        CheckRows(rows, rowCount);
        var item = new TalkerDecodeItem(this, rows, rowCount);
        if (alone)
        {
            CheckCapacity(rowCount);
            await _model.DecodeAsync([item], cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var done = _stepDone.Arm();
            _model.Enqueue(item, _stepDone, cancellationToken);
            await done.ConfigureAwait(false);
        }
        return Output;
    }

    private void CheckRows(ReadOnlyMemory<float> rows, int rowCount)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (rowCount < 1 || rows.Length != rowCount * _model.HiddenSize)
        {
            throw new ArgumentException(
                $"talker input must be {rowCount} x {_model.HiddenSize} floats, got {rows.Length}", nameof(rows));
        }
    }

    internal void CheckCapacity(int rows)
    {
        var limit = _model.Options.ContextPerSequence;
        if (Position + rows > limit)
        {
            throw new TalkerException(
                $"the talker context is full: this request needs {Position + rows} positions, a request may use {limit} " +
                "(prompt rows + generated frames); shorten the text or raise talker.contextPerSequence");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await _model.ReleaseAsync(this).ConfigureAwait(false);
        }
    }
}
