using LLama;
using LLama.Common;
using LLama.Native;
using Qwen3Tts.Inference.Formats.Gguf;
using Qwen3Tts.Inference.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Qwen3Tts.Inference.Formats;
using Qwen3Tts.Inference.Threading;

namespace Qwen3Tts.Inference.Talker;

/// <summary>
/// The talker LLM on llama.cpp (LLamaSharp), loaded once per process from a runtime GGUF whose
/// vocabulary is the 3072 codec ids (see <see cref="TalkerRuntimeGguf"/>), so one decode yields both
/// the hidden state and the codec logits. Each request owns one KV sequence of a shared context;
/// decodes of several requests can be issued as one batch.
/// </summary>
public sealed partial class TalkerModel : IDisposable
{
    private readonly LLamaWeights _weights;
    private readonly LLamaContext _context;
    private readonly SemaphoreSlim _decodeGate = new(1, 1);
    private readonly SemaphoreSlim _sequenceSlots;
    private readonly Stack<int> _freeSequences;
    private readonly ILogger _logger;
    private readonly TalkerDecodeQueue _queue;
    private readonly TalkerCodecHead _head;
    private readonly int _stepThreads;
    private readonly int _prefillThreads;
    private readonly LoadedFileWatch _file;
    private readonly TalkerNativeBatch _batch;
    private int[] _offsets = [];
    private int[] _outputRows = [];
    private long _decodes;
    private long _decodedItems;

    private TalkerModel(LLamaWeights weights, LLamaContext context, TalkerCodecHead head, LoadedFileWatch file, TalkerOptions options, int stepThreads, int prefillThreads, long kvCacheBytes, ILogger logger)
    {
        KvCacheBytes = kvCacheBytes;
        _stepThreads = stepThreads;
        _prefillThreads = prefillThreads;
        PrefixCache = new TalkerPrefixCache((long)options.PrefixCacheMegabytes << 20);
        _weights = weights;
        _file = file;
        _context = context;
        _head = head;
        _logger = logger;
        Options = options;
        HiddenSize = weights.EmbeddingSize;
        VocabSize = head.VocabSize;
        _sequenceSlots = new SemaphoreSlim(options.MaxSequences, options.MaxSequences);
        _freeSequences = new Stack<int>(Enumerable.Range(0, options.MaxSequences).Reverse());
        _batch = new TalkerNativeBatch(options.BatchSize, HiddenSize);
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

    /// <summary>Bytes of the loaded weights (llama.cpp's model size): what one decode step streams, for the benchmark's floor.</summary>
    public long WeightBytes => (long)_weights.SizeInBytes;

    /// <summary>
    /// Bytes of llama.cpp's KV cache: layers x 2 (K, V) x KV width x positions (<see cref="TalkerOptions.MaxSequences"/> x
    /// <see cref="TalkerOptions.ContextPerSequence"/>) x 2 or 4 bytes. llama.cpp clears it at load, so all of it is resident.
    /// </summary>
    public long KvCacheBytes { get; }

    /// <summary>llama.cpp decodes run so far.</summary>
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
        LlamaNative.EnsureConfigured(options.NativeLibraryPath, logger);

        var budget = Threading.ThreadBudget.Current;
        var threads = options.Threads > 0 ? options.Threads : budget.Talker;
        var prefillThreads = options.PrefillThreads > 0 ? options.PrefillThreads : Math.Max(threads, budget.Cores);
        var kvType = options.UsesFullPrecisionKvCache ? GGMLType.GGML_TYPE_F32 : GGMLType.GGML_TYPE_F16;
        var parameters = new ModelParams(runtimeGgufPath)
        {
            ContextSize = (uint)(options.ContextPerSequence * options.MaxSequences),
            SeqMax = (uint)options.MaxSequences,
            // One KV stream per sequence: in a unified cache a request's cells land wherever other
            // requests left room, which changes llama.cpp's summation order and so the audio of a seed.
            KVUnified = false,
            BatchSize = (uint)options.BatchSize,
            UBatchSize = (uint)options.BatchSize,
            Embeddings = true,
            GpuLayerCount = 0,
            Threads = threads,
            BatchThreads = threads,
            TypeK = kvType,
            TypeV = kvType,
            FlashAttention = options.UsesFullPrecisionKvCache ? false : null,
        };

        // llama.cpp maps the file for the life of the process: a rewrite in place is refused at the next decode (LoadedFileWatch).
        var file = LoadedFileWatch.Open(runtimeGgufPath);
        LLamaWeights weights;
        try
        {
            weights = LLamaWeights.LoadFromFile(parameters);
        }
        catch (Exception e)
        {
            file.Dispose();
            throw new ModelFormatException($"llama.cpp could not load the talker model: {e.Message}", runtimeGgufPath, inner: e);
        }
        try
        {
            file.EnsureUnchanged();
            // llama.cpp's own vocabulary is a stub (TalkerRuntimeGguf): the codec ids are the head's rows.
            var head = TalkerCodecHead.Load(runtimeGgufPath, weights.EmbeddingSize);
            var context = weights.CreateContext(parameters, logger);
            logger.LogInformation("talker loaded from {Path}: hidden {Hidden}, vocab {Vocab}, {Seqs} sequences x {Ctx} positions, {Threads} threads ({Prefill} for prompts)",
                runtimeGgufPath, weights.EmbeddingSize, head.VocabSize, options.MaxSequences, options.ContextPerSequence, threads, prefillThreads);
            return new TalkerModel(weights, context, head, file, options, threads, prefillThreads, KvCacheSize(runtimeGgufPath, options), logger);
        }
        catch
        {
            weights.Dispose();
            file.Dispose();
            throw;
        }
    }

    private static long KvCacheSize(string runtimeGguf, TalkerOptions options)
    {
        using var gguf = GgufFile.Open(runtimeGguf);
        var config = Qwen3GgufLayout.ReadConfig(gguf, "qwen3");
        return (long)config.LayerCount * 2 * config.KeyValueWidth * options.ContextPerSequence * options.MaxSequences * (options.UsesFullPrecisionKvCache ? 4 : 2);
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
        _file.EnsureUnchanged();
        Interlocked.Increment(ref _decodes);
        Interlocked.Add(ref _decodedItems, items.Count);
        var prompt = false;
        for (var i = 0; i < items.Count; i++)
        {
            items[i].Session.CheckCapacity(items[i].RowCount);
            prompt |= items[i].RowCount > 1;
        }
        // llama.cpp takes its batch thread count for any decode of more than one row, which includes the single-row
        // steps of concurrent requests: those stay on the step threads, only a decode carrying a prompt gets more.
        var batchThreads = prompt ? _prefillThreads : _stepThreads;
        if (_context.NativeHandle.BatchThreads != batchThreads)
        {
            _context.NativeHandle.BatchThreads = batchThreads;
        }

        // Rows are fed in chunks of the batch size; only each item's last row produces outputs.
        // Scratch of the decode gate's holder, so a step allocates nothing here.
        if (_offsets.Length < items.Count)
        {
            _offsets = new int[items.Count];
            _outputRows = new int[items.Count];
        }
        var offsets = _offsets.AsSpan(0, items.Count);
        var outputRows = _outputRows.AsSpan(0, items.Count);
        offsets.Clear();
        var remaining = 0;
        for (var i = 0; i < items.Count; i++)
        {
            remaining += items[i].RowCount;
        }
        while (remaining > 0)
        {
            var batch = _batch;
            batch.Clear();
            var used = 0;
            outputRows.Fill(-1);
            for (var i = 0; i < items.Count && used < Options.BatchSize; i++)
            {
                var item = items[i];
                var session = item.Session;
                while (offsets[i] < item.RowCount && used < Options.BatchSize)
                {
                    var last = offsets[i] == item.RowCount - 1;
                    var row = item.Rows.Span.Slice(offsets[i] * HiddenSize, HiddenSize);
                    var index = batch.Add(row, session.Position, session.Sequence, last);
                    if (last)
                    {
                        outputRows[i] = index;
                    }
                    session.Position++;
                    offsets[i]++;
                    used++;
                    remaining--;
                }
            }

            var result = batch.Decode(_context.NativeHandle);
            if (result != DecodeResult.Ok)
            {
                throw new TalkerException($"llama.cpp decode failed: {result}");
            }
            for (var i = 0; i < items.Count; i++)
            {
                if (outputRows[i] < 0)
                {
                    continue;
                }
                var output = items[i].Session.Output;
                _context.NativeHandle.GetEmbeddingsIth((LLamaPos)outputRows[i])[..HiddenSize].CopyTo(output.Hidden);
                // Not llama.cpp's logits: those depend on what else shared the batch (TalkerCodecHead).
                _head.Apply(output.Hidden, output.Logits);
            }
        }
    }

    /// <summary>Loads a saved prefix state into an empty session's sequence; false when llama.cpp refuses it.</summary>
    internal async Task<bool> RestorePrefixAsync(TalkerSession session, byte[] state, int rowCount, CancellationToken cancellationToken)
    {
        await _decodeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var handle = _context.NativeHandle;
            var sequence = (LLamaSeqId)session.Sequence;
            nuint read;
            unsafe
            {
                fixed (byte* source = state)
                {
                    read = handle.SetState(source, (nuint)state.Length, sequence);
                }
            }
            if (read == 0 || handle.MemorySequenceMaxPosition(sequence).Value != rowCount - 1)
            {
                handle.MemorySequenceRemove(sequence, -1, -1);
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
        byte[] state;
        try
        {
            var handle = _context.NativeHandle;
            var sequence = (LLamaSeqId)session.Sequence;
            state = new byte[checked((int)handle.GetStateSize(sequence))];
            nuint written;
            unsafe
            {
                fixed (byte* destination = state)
                {
                    written = handle.GetState(destination, (nuint)state.Length, sequence);
                }
            }
            if (written != (nuint)state.Length)
            {
                return;
            }
        }
        finally
        {
            _decodeGate.Release();
        }
        PrefixCache.Add(prefixRows.Span, state);
    }

    internal async Task ReleaseAsync(TalkerSession session)
    {
        // Its last step is done (a session has one in flight at most): the queue stops expecting it back at once.
        _queue.Forget(session);
        await _decodeGate.WaitAsync().ConfigureAwait(false);
        try
        {
            _context.NativeHandle.MemorySequenceRemove((LLamaSeqId)session.Sequence, -1, -1);
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
        _batch.Dispose();
        _context.Dispose();
        _weights.Dispose();
        _file.Dispose();
        _decodeGate.Dispose();
        _sequenceSlots.Dispose();
    }
}

/// <summary>Rows to append to one session's sequence in a batched decode.</summary>
public readonly record struct TalkerDecodeItem(TalkerSession Session, ReadOnlyMemory<float> Rows, int RowCount);
