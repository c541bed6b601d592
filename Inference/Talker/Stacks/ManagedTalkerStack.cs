using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Qwen3Tts.Inference.Benchmarks.Pipeline;
using Qwen3Tts.Inference.Formats.Gguf;
using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Qwen3;

namespace Qwen3Tts.Inference.Talker.Stacks;

/// <summary>
/// The talker stack on the project's own Qwen3 engine (<see cref="Qwen3Forward"/>, the predictor's kernels), read from the
/// same runtime GGUF llama.cpp would map. The rows of every session in a decode go through one forward pass
/// (<see cref="Qwen3Forward.ForwardSegments"/>): each weight row is read once for all of them, on the row workers the
/// predictor uses, and each session's result is bit-identical to decoding it alone, whatever shares its pass. On the
/// 2-core dev box a step took 19.4 ms on 2 threads against llama.cpp's 27.9 on 1 (30.7 on 2), and a 24-row prompt 122 ms
/// against 185 (docs/performance.md, `bench talker`). Each sequence's KV cache (f32) grows with what its requests use.
/// </summary>
internal sealed class ManagedTalkerStack : ITalkerStack
{
    /// <summary>
    /// Rows of one forward pass; longer prompts go through in passes of this many. A layer's matrices (~15 MB at Q8_0) stay
    /// in the 48 MB L3 across a pass's groups of four rows, so longer passes would only grow the scratch (62 KB per row).
    /// </summary>
    private const int PassRows = 64;

    /// <summary>Positions a new sequence's cache holds before it first grows (a short request's prompt and frames).</summary>
    private const int ReservedPositions = 256;

    /// <summary>Positions a released sequence's cache may keep for the next request (117 MB at 0.6B); a larger one is dropped.</summary>
    private const int KeptPositions = 2 * ReservedPositions;

    private readonly Qwen3StackWeights _weights;
    private readonly Qwen3Forward _forward;
    private readonly RowParallelism _parallelism;
    private readonly bool _ownsParallelism;
    private readonly Qwen3KvCache?[] _caches;
    private readonly float[] _inputs;
    private readonly float[] _hidden;
    private readonly Qwen3KvCache[] _passCaches = new Qwen3KvCache[PassRows];
    private readonly int[] _passCounts = new int[PassRows];
    private readonly int[] _passItems = new int[PassRows];
    private int[] _offsets = [];

    private ManagedTalkerStack(Qwen3StackWeights weights, TalkerOptions options, RowParallelism parallelism, bool ownsParallelism)
    {
        _weights = weights;
        _parallelism = parallelism;
        _ownsParallelism = ownsParallelism;
        HiddenSize = weights.Config.HiddenSize;
        _forward = new Qwen3Forward(weights, PassRows, options.ContextPerSequence, parallelism);
        _caches = new Qwen3KvCache?[options.MaxSequences];
        _inputs = new float[PassRows * HiddenSize];
        _hidden = new float[PassRows * HiddenSize];
    }

    public string Name => "managed";

    public int HiddenSize { get; }

    public long WeightBytes => _weights.MatrixBytes();

    public long KvCacheBytes => _caches.Sum(c => c?.AllocatedBytes ?? 0);

    public int StepThreads => _parallelism.WorkerCount;

    /// <param name="options">
    /// <see cref="TalkerOptions.Threads"/> &gt; 0 gives the stack row workers of its own; 0 shares the predictor's
    /// (<see cref="RowParallelism.Shared"/>): a request's talker step and predictor pass never run at once, and on a shared
    /// pool concurrent requests' passes cannot oversubscribe the cores.
    /// </param>
    public static ManagedTalkerStack Load(string runtimeGgufPath, TalkerOptions options, ILogger logger)
    {
        Qwen3StackWeights weights;
        using (var gguf = GgufFile.Open(runtimeGgufPath))
        {
            var config = Qwen3GgufLayout.ReadConfig(gguf, "qwen3");
            weights = Qwen3GgufStack.Load(gguf, "blk", "output_norm.weight", config);
        }
        var own = options.Threads > 0;
        var parallelism = own ? new RowParallelism(options.Threads) : RowParallelism.Shared;
        logger.LogInformation("talker stack on the managed engine: {Layers} layers, {Bytes:F0} MB of weights, {Threads} row threads{Shared}",
            weights.Config.LayerCount, weights.MatrixBytes() / 1048576.0, parallelism.WorkerCount, own ? "" : " (shared with the predictor)");
        return new ManagedTalkerStack(weights, options, parallelism, own);
    }

    public void Decode(IReadOnlyList<TalkerDecodeItem> items)
    {
        if (_offsets.Length < items.Count)
        {
            _offsets = new int[items.Count];
        }
        var offsets = _offsets.AsSpan(0, items.Count);
        offsets.Clear();
        var remaining = 0;
        for (var i = 0; i < items.Count; i++)
        {
            var cache = Cache(items[i].Session.Sequence);
            if (cache.Length != items[i].Session.Position)
            {
                throw new TalkerException($"talker sequence {items[i].Session.Sequence} holds {cache.Length} positions, its session is at {items[i].Session.Position}");
            }
            remaining += items[i].RowCount;
        }
        var hidden = HiddenSize;
        while (remaining > 0)
        {
            // One pass: the next rows of as many sessions as fit, each session's rows together (a segment).
            int segments = 0, used = 0;
            for (var i = 0; i < items.Count && used < PassRows; i++)
            {
                var item = items[i];
                var take = Math.Min(item.RowCount - offsets[i], PassRows - used);
                if (take <= 0)
                {
                    continue;
                }
                item.Rows.Span.Slice(offsets[i] * hidden, take * hidden).CopyTo(_inputs.AsSpan(used * hidden));
                _passCaches[segments] = _caches[item.Session.Sequence]!;
                _passCounts[segments] = take;
                _passItems[segments] = i;
                segments++;
                used += take;
                offsets[i] += take;
                remaining -= take;
            }
            _forward.ForwardSegments(_inputs.AsSpan(0, used * hidden), _passCaches.AsSpan(0, segments), _passCounts.AsSpan(0, segments), _hidden.AsSpan(0, segments * hidden));
            for (var s = 0; s < segments; s++)
            {
                var i = _passItems[s];
                if (offsets[i] == items[i].RowCount)
                {
                    _hidden.AsSpan(s * hidden, hidden).CopyTo(items[i].Session.Output.Hidden);
                }
            }
            Array.Clear(_passCaches);
        }
    }

    public byte[]? SaveSequence(int sequence, int positions)
    {
        var cache = Cache(sequence);
        if (cache.Length != positions)
        {
            return null;
        }
        var state = new byte[checked((int)cache.StateBytes(positions))];
        cache.CopyTo(positions, state);
        return state;
    }

    public bool RestoreSequence(int sequence, byte[] state, int positions)
    {
        var cache = Cache(sequence);
        if (state.Length != cache.StateBytes(positions) || positions > cache.Capacity)
        {
            cache.Clear();
            return false;
        }
        cache.LoadFrom(positions, state);
        return true;
    }

    /// <summary>
    /// Forgets the sequence's positions. A cache a long request grew past <see cref="KeptPositions"/> is dropped rather than
    /// kept for the next request, so an idle talker holds ~60 MB per sequence, not what its longest request ever needed
    /// (up to 459 MB at 2048 positions); the next request regrows it in a few doublings.
    /// </summary>
    public void ClearSequence(int sequence)
    {
        if (_caches[sequence] is not { } cache)
        {
            return;
        }
        cache.Clear();
        if (cache.Allocated > KeptPositions)
        {
            _caches[sequence] = null;
        }
    }

    public (double PromptMs, double StepsCpuMs) TimeBareDecodes(ReadOnlySpan<float> row, int sequence, int promptRows, int steps, int threads, StageClock? clock, double[]? samples)
    {
        var cache = Cache(sequence);
        var other = threads == _parallelism.WorkerCount ? null : new RowParallelism(threads);
        try
        {
            var forward = other is null ? _forward : new Qwen3Forward(_weights, PassRows, _forward.MaxPositions, other);
            var rows = new float[PassRows * HiddenSize];
            for (var r = 0; r < PassRows; r++)
            {
                row.CopyTo(rows.AsSpan(r * HiddenSize));
            }
            var last = new float[HiddenSize];
            cache.Clear();
            var start = Stopwatch.GetTimestamp();
            for (var position = 0; position < promptRows; position += PassRows)
            {
                var n = Math.Min(PassRows, promptRows - position);
                _forward.Forward(rows.AsSpan(0, n * HiddenSize), n, position, cache, last);
            }
            var promptMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            var cpuBefore = Environment.CpuUsage.TotalTime;
            for (var s = 0; s < steps; s++)
            {
                var stepStart = Stopwatch.GetTimestamp();
                using (clock?.Start())
                {
                    forward.Forward(row, 1, promptRows + s, cache, last);
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
            other?.Dispose();
            cache.Clear();
        }
    }

    /// <summary>The sequence's cache, created on its first use (a sequence nobody used holds nothing).</summary>
    private Qwen3KvCache Cache(int sequence) => _caches[sequence] ??= _forward.CreateCache(ReservedPositions);

    public void Dispose()
    {
        if (_ownsParallelism)
        {
            _parallelism.Dispose();
        }
    }
}
