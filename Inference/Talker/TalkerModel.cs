using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Qwen3Tts.Inference.Formats;
using Qwen3Tts.Inference.Talker.Stacks;
using Qwen3Tts.Inference.Threading;

namespace Qwen3Tts.Inference.Talker;

/// <summary>
/// The talker LLM, loaded once per process from a runtime GGUF whose vocabulary is the 3072 codec ids (see
/// <see cref="TalkerRuntimeGguf"/>): its layer stack (<see cref="ITalkerStack"/>: the managed engine or llama.cpp,
/// <see cref="TalkerOptions.Engine"/>) gives the hidden state and the codec head in C# the logits. Each request owns
/// one KV sequence; the decodes of several requests are issued as one batch.
/// </summary>
public sealed partial class TalkerModel : IDisposable
{
    private readonly ITalkerStack _stack;
    private readonly SemaphoreSlim _decodeGate = new(1, 1);
    private readonly SemaphoreSlim _sequenceSlots;
    private readonly Stack<int> _freeSequences;
    private readonly ILogger _logger;
    private readonly TalkerDecodeQueue _queue;
    private readonly TalkerCodecHead _head;
    private readonly LoadedFileWatch _file;
    private long _decodes;
    private long _decodedItems;

    private TalkerModel(ITalkerStack stack, TalkerCodecHead head, LoadedFileWatch file, TalkerOptions options, ILogger logger)
    {
        _stack = stack;
        PrefixCache = new TalkerPrefixCache((long)options.PrefixCacheMegabytes << 20);
        _file = file;
        _head = head;
        _logger = logger;
        Options = options;
        HiddenSize = stack.HiddenSize;
        VocabSize = head.VocabSize;
        _sequenceSlots = new SemaphoreSlim(options.MaxSequences, options.MaxSequences);
        _freeSequences = new Stack<int>(Enumerable.Range(0, options.MaxSequences).Reverse());
        _queue = new TalkerDecodeQueue(DecodeQueued, options.MaxSequences, TimeSpan.FromTicks((long)options.GatherMicroseconds * TimeSpan.TicksPerMicrosecond));
    }

    public TalkerOptions Options { get; }

    /// <summary>KV states of text-independent prompt prefixes (<see cref="TalkerOptions.PrefixCacheMegabytes"/>).</summary>
    internal TalkerPrefixCache PrefixCache { get; }

    /// <summary>Prefills that reused a cached prefix state, and those that had to decode their prefix.</summary>
    public (long Hits, long Misses) PrefixCacheCounts => (PrefixCache.Hits, PrefixCache.Misses);

    /// <summary>Forgets every cached prefix state (the benchmark's cold first audio; nothing else needs it).</summary>
    public void ClearPrefixCache() => PrefixCache.Clear();

    public int HiddenSize { get; }

    public int VocabSize { get; }

    /// <summary>What runs the layer stack ("managed", "llama.cpp").</summary>
    public string StackName => _stack.Name;

    /// <summary>Bytes of the stack's weights: what one decode step streams, for the benchmark's floor.</summary>
    public long WeightBytes => _stack.WeightBytes;

    /// <summary>
    /// Bytes the KV sequences hold now. llama.cpp allocates and clears all of them at load (layers x 2 x KV width x
    /// <see cref="TalkerOptions.MaxSequences"/> x <see cref="TalkerOptions.ContextPerSequence"/> x 2 or 4 bytes, resident from
    /// the start); the managed stack's grow with the requests a sequence served.
    /// </summary>
    public long KvCacheBytes => _stack.KvCacheBytes;

    /// <summary>Decodes run so far.</summary>
    public long Decodes => Interlocked.Read(ref _decodes);

    /// <summary>Session items those decodes carried; above <see cref="Decodes"/> when requests were batched.</summary>
    public long DecodedItems => Interlocked.Read(ref _decodedItems);

    /// <summary>KV sequences held by open sessions right now (0 when idle): shows whether finished or abandoned requests gave theirs back.</summary>
    public int SequencesInUse
    {
        get
        {
            lock (_freeSequences)
            {
                return Options.MaxSequences - _freeSequences.Count;
            }
        }
    }

    public static TalkerModel Load(string runtimeGgufPath, TalkerOptions options, ILogger? logger = null)
    {
        logger ??= NullLogger.Instance;
        if (!File.Exists(runtimeGgufPath))
        {
            throw new ModelFormatException("talker GGUF not found", runtimeGgufPath);
        }
        if (options.MaxSequences < 1 || options.ContextPerSequence < 16)
        {
            throw new ArgumentException("talker needs MaxSequences >= 1 and ContextPerSequence >= 16", nameof(options));
        }

        // llama.cpp maps the file for the life of the process: a rewrite in place is refused at the next decode (LoadedFileWatch).
        // The managed stack reads it once, but a rewritten file would no longer be what it runs, so it is watched the same way.
        var file = LoadedFileWatch.Open(runtimeGgufPath);
        ITalkerStack? stack = null;
        try
        {
            stack = options.Engine == TalkerBackend.Llama
                ? LlamaTalkerStack.Load(runtimeGgufPath, options, logger)
                : ManagedTalkerStack.Load(runtimeGgufPath, options, logger);
            file.EnsureUnchanged();
            // The runtime GGUF's own vocabulary is a stub (TalkerRuntimeGguf): the codec ids are the head's rows.
            var head = TalkerCodecHead.Load(runtimeGgufPath, stack.HiddenSize);
            logger.LogInformation("talker loaded from {Path} ({Engine}): hidden {Hidden}, vocab {Vocab}, {Seqs} sequences x {Ctx} positions, {Threads} step threads",
                runtimeGgufPath, stack.Name, stack.HiddenSize, head.VocabSize, options.MaxSequences, options.ContextPerSequence, stack.StepThreads);
            return new TalkerModel(stack, head, file, options, logger);
        }
        catch
        {
            stack?.Dispose();
            file.Dispose();
            throw;
        }
    }

    /// <summary>Waits for a free KV sequence and opens a session on it.</summary>
    public async Task<TalkerSession> OpenSessionAsync(CancellationToken cancellationToken = default)
    {
        await _sequenceSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
        int sequence;
        lock (_freeSequences)
        {
            sequence = _freeSequences.Pop();
        }
        return new TalkerSession(this, sequence);
    }

    /// <summary>
    /// Queues one session's rows; they are decoded together with whatever other sessions queued meanwhile, and
    /// <paramref name="done"/> (armed by the session) completes then. The capacity check happens here so a full context
    /// fails only its own request.
    /// </summary>
    internal void Enqueue(TalkerDecodeItem item, ReusableCompletion done, CancellationToken cancellationToken)
    {
        item.Session.CheckCapacity(item.RowCount);
        _queue.Enqueue(item, done, cancellationToken);
    }

    // The queue's worker thread: it blocks on the gate and in llama.cpp, with no task or closure per step.
    private void DecodeQueued(IReadOnlyList<TalkerDecodeItem> items)
    {
        _decodeGate.Wait();
        try
        {
            DecodeLocked(items);
        }
        finally
        {
            _decodeGate.Release();
        }
    }

    /// <summary>Runs one decode for several sessions: each item's rows continue that session's sequence.</summary>
    public async Task DecodeAsync(IReadOnlyList<TalkerDecodeItem> items, CancellationToken cancellationToken = default)
    {
        await _decodeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Decoding is CPU work behind LLamaSharp's process-wide lock; keep it off the caller's thread.
            await Task.Run(() => DecodeLocked(items), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _decodeGate.Release();
        }
    }

    private void DecodeLocked(IReadOnlyList<TalkerDecodeItem> items)
    {
        // Steps from the queue's worker and prefills run alone on a pool thread alike: counted as computing, so other
        // engines' products leave this core to it (ComputeLoad).
        using var computing = ComputeLoad.Process.Enter();
        _file.EnsureUnchanged();
        Interlocked.Increment(ref _decodes);
        Interlocked.Add(ref _decodedItems, items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            items[i].Session.CheckCapacity(items[i].RowCount);
        }
        _stack.Decode(items);
        for (var i = 0; i < items.Count; i++)
        {
            var session = items[i].Session;
            session.Position += items[i].RowCount;
            // Not llama.cpp's logits: those depend on what else shared the batch (TalkerCodecHead).
            _head.Apply(session.Output.Hidden, session.Output.Logits);
        }
    }

    /// <summary>Loads a saved prefix state into an empty session's sequence; false when the stack refuses it.</summary>
    internal async Task<bool> RestorePrefixAsync(TalkerSession session, byte[] state, int rowCount, CancellationToken cancellationToken)
    {
        await _decodeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_stack.RestoreSequence(session.Sequence, state, rowCount))
            {
                _logger.LogWarning("talker: a cached prompt prefix of {Rows} rows could not be restored; decoding it instead", rowCount);
                return false;
            }
            session.Position = rowCount;
            return true;
        }
        finally
        {
            _decodeGate.Release();
        }
    }

    /// <summary>Saves the session's sequence (holding exactly a prompt prefix) under those prefix rows.</summary>
    internal async Task SavePrefixAsync(TalkerSession session, ReadOnlyMemory<float> prefixRows, CancellationToken cancellationToken)
    {
        await _decodeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        byte[]? state;
        try
        {
            state = _stack.SaveSequence(session.Sequence, session.Position);
        }
        finally
        {
            _decodeGate.Release();
        }
        if (state is not null)
        {
            PrefixCache.Add(prefixRows.Span, state);
        }
    }

    internal async Task ReleaseAsync(TalkerSession session)
    {
        // Its last step is done (a session has one in flight at most): the queue stops expecting it back at once.
        _queue.Forget(session);
        await _decodeGate.WaitAsync().ConfigureAwait(false);
        try
        {
            _stack.ClearSequence(session.Sequence);
        }
        finally
        {
            _decodeGate.Release();
        }
        lock (_freeSequences)
        {
            _freeSequences.Push(session.Sequence);
        }
        _sequenceSlots.Release();
        _logger.LogDebug("talker sequence {Sequence} released after {Positions} positions", session.Sequence, session.Position);
    }

    public void Dispose()
    {
        _queue.Dispose();
        _stack.Dispose();
        _file.Dispose();
        _decodeGate.Dispose();
        _sequenceSlots.Dispose();
    }
}

/// <summary>Rows to append to one session's sequence in a batched decode.</summary>
public readonly record struct TalkerDecodeItem(TalkerSession Session, ReadOnlyMemory<float> Rows, int RowCount);
