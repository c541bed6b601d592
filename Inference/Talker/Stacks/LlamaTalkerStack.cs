using System.Diagnostics;
using LLama;
using LLama.Common;
using LLama.Native;
using Microsoft.Extensions.Logging;
using Qwen3Tts.Inference.Benchmarks.Pipeline;
using Qwen3Tts.Inference.Formats;
using Qwen3Tts.Inference.Formats.Gguf;
using Qwen3Tts.Inference.Models;

namespace Qwen3Tts.Inference.Talker.Stacks;

/// <summary>
/// The talker stack on llama.cpp (LLamaSharp), from a runtime GGUF whose vocabulary is a stub (see <see cref="TalkerRuntimeGguf"/>):
/// one context, one KV stream per sequence, decodes of several sessions issued as one llama.cpp batch. llama.cpp allocates
/// and clears every sequence's KV cache at load, so <see cref="KvCacheBytes"/> is resident from the start.
/// </summary>
internal sealed class LlamaTalkerStack : ITalkerStack
{
    private readonly LLamaWeights _weights;
    private readonly LLamaContext _context;
    private readonly TalkerNativeBatch _batch;
    private readonly int _batchSize;
    private readonly int _stepThreads;
    private readonly int _prefillThreads;
    private int[] _offsets = [];
    private int[] _outputRows = [];
    private int[] _positions = [];

    private LlamaTalkerStack(LLamaWeights weights, LLamaContext context, int batchSize, int stepThreads, int prefillThreads, long kvCacheBytes)
    {
        _weights = weights;
        _context = context;
        _batchSize = batchSize;
        _stepThreads = stepThreads;
        _prefillThreads = prefillThreads;
        KvCacheBytes = kvCacheBytes;
        HiddenSize = weights.EmbeddingSize;
        _batch = new TalkerNativeBatch(batchSize, HiddenSize);
    }

    public string Name => "llama.cpp";

    public int HiddenSize { get; }

    /// <summary>llama.cpp's model size.</summary>
    public long WeightBytes => (long)_weights.SizeInBytes;

    /// <summary>
    /// Layers x 2 (K, V) x KV width x positions (<see cref="TalkerOptions.MaxSequences"/> x <see cref="TalkerOptions.ContextPerSequence"/>)
    /// x 2 or 4 bytes, all resident.
    /// </summary>
    public long KvCacheBytes { get; }

    public int StepThreads => _stepThreads;

    public static LlamaTalkerStack Load(string runtimeGgufPath, TalkerOptions options, ILogger logger)
    {
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
        LLamaWeights weights;
        try
        {
            weights = LLamaWeights.LoadFromFile(parameters);
        }
        catch (Exception e)
        {
            throw new ModelFormatException($"llama.cpp could not load the talker model: {e.Message}", runtimeGgufPath, inner: e);
        }
        try
        {
            var context = weights.CreateContext(parameters, logger);
            logger.LogInformation("talker stack on llama.cpp: {Threads} threads ({Prefill} for prompts)", threads, prefillThreads);
            return new LlamaTalkerStack(weights, context, options.BatchSize, threads, prefillThreads, KvCacheSize(runtimeGgufPath, options));
        }
        catch
        {
            weights.Dispose();
            throw;
        }
    }

    private static long KvCacheSize(string runtimeGguf, TalkerOptions options)
    {
        using var gguf = GgufFile.Open(runtimeGguf);
        var config = Qwen3GgufLayout.ReadConfig(gguf, "qwen3");
        return (long)config.LayerCount * 2 * config.KeyValueWidth * options.ContextPerSequence * options.MaxSequences * (options.UsesFullPrecisionKvCache ? 4 : 2);
    }

    public void Decode(IReadOnlyList<TalkerDecodeItem> items)
    {
        var prompt = false;
        for (var i = 0; i < items.Count; i++)
        {
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
            _positions = new int[items.Count];
        }
        var offsets = _offsets.AsSpan(0, items.Count);
        var outputRows = _outputRows.AsSpan(0, items.Count);
        var positions = _positions.AsSpan(0, items.Count);
        offsets.Clear();
        var remaining = 0;
        for (var i = 0; i < items.Count; i++)
        {
            remaining += items[i].RowCount;
            positions[i] = items[i].Session.Position;
        }
        while (remaining > 0)
        {
            var batch = _batch;
            batch.Clear();
            var used = 0;
            outputRows.Fill(-1);
            for (var i = 0; i < items.Count && used < _batchSize; i++)
            {
                var item = items[i];
                while (offsets[i] < item.RowCount && used < _batchSize)
                {
                    var last = offsets[i] == item.RowCount - 1;
                    var row = item.Rows.Span.Slice(offsets[i] * HiddenSize, HiddenSize);
                    var index = batch.Add(row, positions[i], item.Session.Sequence, last);
                    if (last)
                    {
                        outputRows[i] = index;
                    }
                    positions[i]++;
                    offsets[i]++;
                    used++;
                    remaining--;
                }
            }

            Check(batch.Decode(_context.NativeHandle));
            for (var i = 0; i < items.Count; i++)
            {
                if (outputRows[i] >= 0)
                {
                    _context.NativeHandle.GetEmbeddingsIth((LLamaPos)outputRows[i])[..HiddenSize].CopyTo(items[i].Session.Output.Hidden);
                }
            }
        }
    }

    public byte[]? SaveSequence(int sequence, int positions)
    {
        var handle = _context.NativeHandle;
        var id = (LLamaSeqId)sequence;
        var state = new byte[checked((int)handle.GetStateSize(id))];
        nuint written;
        unsafe
        {
            fixed (byte* destination = state)
            {
                written = handle.GetState(destination, (nuint)state.Length, id);
            }
        }
        return written == (nuint)state.Length ? state : null;
    }

    public bool RestoreSequence(int sequence, byte[] state, int positions)
    {
        var handle = _context.NativeHandle;
        var id = (LLamaSeqId)sequence;
        nuint read;
        unsafe
        {
            fixed (byte* source = state)
            {
                read = handle.SetState(source, (nuint)state.Length, id);
            }
        }
        if (read == 0 || handle.MemorySequenceMaxPosition(id).Value != positions - 1)
        {
            handle.MemorySequenceRemove(id, -1, -1);
            return false;
        }
        return true;
    }

    public void ClearSequence(int sequence) => _context.NativeHandle.MemorySequenceRemove((LLamaSeqId)sequence, -1, -1);

    public (double PromptMs, double StepsCpuMs) TimeBareDecodes(ReadOnlySpan<float> row, int sequence, int promptRows, int steps, int threads, StageClock? clock, double[]? samples)
    {
        try
        {
            _context.NativeHandle.BatchThreads = _prefillThreads;
            var start = Stopwatch.GetTimestamp();
            var position = 0;
            while (position < promptRows)
            {
                _batch.Clear();
                for (var used = 0; used < _batchSize && position < promptRows; used++, position++)
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
        finally
        {
            _context.NativeHandle.GenerationThreads = _stepThreads;
            ClearSequence(sequence);
        }
    }

    private static void Check(DecodeResult result)
    {
        if (result != DecodeResult.Ok)
        {
            throw new TalkerException($"llama.cpp decode failed: {result}");
        }
    }

    public void Dispose()
    {
        _batch.Dispose();
        _context.Dispose();
        _weights.Dispose();
    }
}
