using System.Numerics.Tensors;
using Qwen3Tts.Inference.Kernels.Float;
using Qwen3Tts.Inference.Models;

namespace Qwen3Tts.Inference.Qwen3;

/// <summary>
/// Runs a Qwen3 decoder stack (pre-norm attention with per-head Q/K RMSNorm before NEOX RoPE, GQA,
/// SwiGLU, final RMSNorm) in managed code over a caller-owned KV cache.
/// All scratch memory is allocated in the constructor; a forward pass allocates nothing.
/// One instance per request/thread (the scratch is not shared); the weights may be shared freely.
/// </summary>
public sealed class Qwen3Forward
{
    private readonly Qwen3StackWeights _weights;
    private readonly Qwen3DecoderConfig _config;
    private readonly RowParallelism? _parallelism;
    private readonly RotaryTable _rope;

    private readonly float[] _residual;
    private readonly float[] _normed;
    private readonly float[] _q;
    private readonly float[] _k;
    private readonly float[] _v;
    private readonly float[] _attention;
    private readonly float[] _projected;
    private readonly float[] _gate;
    private readonly float[] _up;
    private readonly CausalAttention _causal;
    private readonly Qwen3KvCache[] _rowCaches;
    private readonly int[] _rowPositions;

    /// <param name="maxTokens">Most rows one call may process (prefill length, or batch size).</param>
    /// <param name="maxPositions">Highest position + 1 any cache will reach; sizes the RoPE table.</param>
    /// <param name="parallelism">Row splitting for the matrix products; null = <see cref="RowParallelism.Shared"/>.</param>
    /// <param name="attentionPath">Which attention kernels run (null: this CPU's best); every path gives the same bits.</param>
    public Qwen3Forward(Qwen3StackWeights weights, int maxTokens, int maxPositions, RowParallelism? parallelism = null, FloatKernelPath? attentionPath = null)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokens, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPositions, 1);
        _weights = weights;
        _config = weights.Config;
        _parallelism = parallelism;
        MaxTokens = maxTokens;
        MaxPositions = maxPositions;
        _rope = new RotaryTable(_config.HeadDim, _config.RopeTheta, maxPositions);

        var hidden = _config.HiddenSize;
        _residual = new float[maxTokens * hidden];
        _normed = new float[maxTokens * hidden];
        _q = new float[maxTokens * _config.QueryWidth];
        _k = new float[maxTokens * _config.KeyValueWidth];
        _v = new float[maxTokens * _config.KeyValueWidth];
        _attention = new float[maxTokens * _config.QueryWidth];
        _projected = new float[maxTokens * hidden];
        _gate = new float[maxTokens * _config.FeedForwardSize];
        _up = new float[maxTokens * _config.FeedForwardSize];
        _causal = new CausalAttention(_config, attentionPath ?? FloatKernelPaths.Best);
        _rowCaches = new Qwen3KvCache[maxTokens];
        _rowPositions = new int[maxTokens];
    }

    public Qwen3StackWeights Weights => _weights;

    /// <summary>The row splitting the products use (null = <see cref="RowParallelism.Shared"/>).</summary>
    public RowParallelism? Parallelism => _parallelism;

    public int MaxTokens { get; }

    public int MaxPositions { get; }

    /// <summary>A cache sized for this engine's positions.</summary>
    /// <param name="reserve">Positions allocated up front (0 = all; the rest on demand, <see cref="Qwen3KvCache"/>).</param>
    public Qwen3KvCache CreateCache(int reserve = 0) => new(_config, MaxPositions, reserve);

    /// <summary>
    /// Runs n consecutive tokens of one sequence at positions startPosition.. (the cache is truncated to
    /// startPosition first, then holds startPosition + n entries).
    /// </summary>
    /// <param name="inputs">n x hidden input embeddings.</param>
    /// <param name="lastHiddenOut">hidden, the final-normed hidden state of the last token.</param>
    /// <param name="allHiddenOut">optional n x hidden, the final-normed hidden states of every token.</param>
    public void Forward(ReadOnlySpan<float> inputs, int n, int startPosition, Qwen3KvCache cache, Span<float> lastHiddenOut, Span<float> allHiddenOut = default)
    {
        ArgumentNullException.ThrowIfNull(cache);
        CheckRowCount(n, inputs.Length);
        CheckCache(cache, nameof(cache));
        if (startPosition < 0 || startPosition > cache.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(startPosition), startPosition,
                $"start position must lie in [0, {cache.Length}] (the cache length) so no position is skipped.");
        }
        CheckPositions(startPosition + n);
        CheckCacheCapacity(cache, startPosition + n);
        if (lastHiddenOut.Length != _config.HiddenSize)
        {
            throw new ArgumentException($"lastHiddenOut needs {_config.HiddenSize} values, got {lastHiddenOut.Length}.", nameof(lastHiddenOut));
        }
        if (!allHiddenOut.IsEmpty && allHiddenOut.Length != n * _config.HiddenSize)
        {
            throw new ArgumentException($"allHiddenOut needs {n * _config.HiddenSize} values, got {allHiddenOut.Length}.", nameof(allHiddenOut));
        }
        for (var i = 0; i < n; i++)
        {
            _rowCaches[i] = cache;
            _rowPositions[i] = startPosition + i;
        }
        cache.Length = startPosition;
        Run(inputs, n);
        cache.Length = startPosition + n;

        var hidden = _config.HiddenSize;
        if (!allHiddenOut.IsEmpty)
        {
            for (var i = 0; i < n; i++)
            {
                Qwen3Math.RmsNorm(_residual.AsSpan(i * hidden, hidden), _weights.OutputNorm, _config.RmsNormEpsilon, allHiddenOut.Slice(i * hidden, hidden));
            }
            allHiddenOut.Slice((n - 1) * hidden, hidden).CopyTo(lastHiddenOut);
        }
        else
        {
            Qwen3Math.RmsNorm(_residual.AsSpan((n - 1) * hidden, hidden), _weights.OutputNorm, _config.RmsNormEpsilon, lastHiddenOut);
        }
        Array.Clear(_rowCaches);
    }

    /// <summary>
    /// Advances n independent sequences by <paramref name="tokensPerSequence"/> tokens each: sequence i's
    /// rows are inputs rows i*T .. i*T+T-1, appended to caches[i] from position caches[i].Length on
    /// (causal within the sequence). Every weight row is read once for all n*T rows, and each row's result
    /// is bit-identical to running its sequence alone.
    /// </summary>
    /// <param name="inputs">n*T x hidden input embeddings, sequence-major.</param>
    /// <param name="hiddenOut">n x hidden: the final-normed hidden state of each sequence's last token.</param>
    public void ForwardBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<Qwen3KvCache> caches, Span<float> hiddenOut, int tokensPerSequence = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tokensPerSequence, 1);
        if (caches.Length > MaxTokens)
        {
            throw new ArgumentOutOfRangeException(nameof(caches), caches.Length, $"at most {MaxTokens} sequences (this engine's maxTokens) fit one call.");
        }
        Span<int> counts = stackalloc int[caches.Length];
        counts.Fill(tokensPerSequence);
        ForwardSegments(inputs, caches, counts, hiddenOut);
    }

    /// <summary>
    /// Advances n independent sequences by their own number of tokens: sequence i's rowCounts[i] rows follow
    /// sequence i-1's in <paramref name="inputs"/> and are appended to caches[i] from position caches[i].Length on
    /// (causal within the sequence), so one call can carry a prompt of one request beside the single-row steps of
    /// others. Every weight row is read once for all rows, and each row's result is bit-identical to running its
    /// sequence alone (each row is quantized, multiplied and attended by itself; only the weight reads are shared).
    /// </summary>
    /// <param name="inputs">(sum of rowCounts) x hidden input embeddings, sequence after sequence.</param>
    /// <param name="hiddenOut">n x hidden: the final-normed hidden state of each sequence's last token.</param>
    public void ForwardSegments(ReadOnlySpan<float> inputs, ReadOnlySpan<Qwen3KvCache> caches, ReadOnlySpan<int> rowCounts, Span<float> hiddenOut)
    {
        var n = caches.Length;
        if (rowCounts.Length != n)
        {
            throw new ArgumentException($"{n} caches need {n} row counts, got {rowCounts.Length}.", nameof(rowCounts));
        }
        var rows = 0;
        foreach (var count in rowCounts)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(count, 1, nameof(rowCounts));
            rows += count;
        }
        CheckRowCount(rows, inputs.Length);
        var hidden = _config.HiddenSize;
        if (hiddenOut.Length != n * hidden)
        {
            throw new ArgumentException($"hiddenOut needs {n * hidden} values, got {hiddenOut.Length}.", nameof(hiddenOut));
        }
        for (int i = 0, row = 0; i < n; i++)
        {
            var cache = caches[i] ?? throw new ArgumentNullException(nameof(caches), $"cache {i} is null.");
            CheckCache(cache, nameof(caches));
            for (var j = 0; j < i; j++)
            {
                if (ReferenceEquals(caches[j], cache))
                {
                    throw new ArgumentException($"caches {j} and {i} are the same object; each sequence needs its own.", nameof(caches));
                }
            }
            var t = rowCounts[i];
            CheckPositions(cache.Length + t);
            CheckCacheCapacity(cache, cache.Length + t);
            for (var k = 0; k < t; k++, row++)
            {
                _rowCaches[row] = cache;
                _rowPositions[row] = cache.Length + k;
            }
        }
        Run(inputs, rows);
        for (int i = 0, end = 0; i < n; i++)
        {
            end += rowCounts[i];
            caches[i].Length += rowCounts[i];
            Qwen3Math.RmsNorm(_residual.AsSpan((end - 1) * hidden, hidden), _weights.OutputNorm, _config.RmsNormEpsilon, hiddenOut.Slice(i * hidden, hidden));
        }
        Array.Clear(_rowCaches);
    }

    /// <summary>All layers over rows whose cache and position are in _rowCaches/_rowPositions; leaves the residual stream in _residual.</summary>
    private void Run(ReadOnlySpan<float> inputs, int n)
    {
        var hidden = _config.HiddenSize;
        var eps = _config.RmsNormEpsilon;
        inputs.CopyTo(_residual);
        var residual = _residual.AsSpan(0, n * hidden);
        var normed = _normed.AsSpan(0, n * hidden);
        var projected = _projected.AsSpan(0, n * hidden);
        for (var l = 0; l < _weights.Layers.Count; l++)
        {
            var layer = _weights.Layers[l];
            for (var i = 0; i < n; i++)
            {
                Qwen3Math.RmsNorm(residual.Slice(i * hidden, hidden), layer.AttnNorm, eps, normed.Slice(i * hidden, hidden));
            }
            Attention(l, layer, normed, n);
            layer.O.MatMul(_attention.AsSpan(0, n * _config.QueryWidth), n, projected, _parallelism);
            TensorPrimitives.Add(residual, projected, residual);

            for (var i = 0; i < n; i++)
            {
                Qwen3Math.RmsNorm(residual.Slice(i * hidden, hidden), layer.FfnNorm, eps, normed.Slice(i * hidden, hidden));
            }
            var ffn = n * _config.FeedForwardSize;
            QuantizedMatrix.MatMulSharedInput(normed, n, layer.Gate, _gate.AsSpan(0, ffn), layer.Up, _up.AsSpan(0, ffn), null, default, _parallelism);
            Qwen3Math.SwiGlu(_gate.AsSpan(0, ffn), _up.AsSpan(0, ffn));
            layer.Down.MatMul(_gate.AsSpan(0, ffn), n, projected, _parallelism);
            TensorPrimitives.Add(residual, projected, residual);
        }
    }

    /// <summary>Q/K/V projections, per-head norm + RoPE, cache writes, then causal GQA into _attention.</summary>
    private void Attention(int layerIndex, Qwen3LayerWeights layer, ReadOnlySpan<float> normed, int n)
    {
        var headDim = _config.HeadDim;
        var queryWidth = _config.QueryWidth;
        var kvWidth = _config.KeyValueWidth;
        var eps = _config.RmsNormEpsilon;
        var q = _q.AsSpan(0, n * queryWidth);
        var k = _k.AsSpan(0, n * kvWidth);
        var v = _v.AsSpan(0, n * kvWidth);
        QuantizedMatrix.MatMulSharedInput(normed, n, layer.Q, q, layer.K, k, layer.V, v, _parallelism);

        for (var i = 0; i < n; i++)
        {
            var position = _rowPositions[i];
            for (var h = 0; h < _config.HeadCount; h++)
            {
                var head = q.Slice(i * queryWidth + h * headDim, headDim);
                Qwen3Math.RmsNorm(head, layer.QNorm, eps, head);
                _rope.Apply(head, position);
            }
            var cachedKeys = _rowCaches[i].Keys(layerIndex, position);
            for (var h = 0; h < _config.KeyValueHeadCount; h++)
            {
                var head = k.Slice(i * kvWidth + h * headDim, headDim);
                Qwen3Math.RmsNorm(head, layer.KNorm, eps, head);
                _rope.Apply(head, position);
            }
            k.Slice(i * kvWidth, kvWidth).CopyTo(cachedKeys);
            v.Slice(i * kvWidth, kvWidth).CopyTo(_rowCaches[i].Values(layerIndex, position));
        }

        // Every row's keys are in its cache now, so row i (position p) may attend to 0..p of its own
        // cache: causal within one prefill, independent across batch rows.
        _causal.Run(layerIndex, _q, n, _rowCaches, _rowPositions, _attention, _parallelism ?? RowParallelism.Shared);
    }

    private void CheckRowCount(int n, int inputLength)
    {
        if (n < 1 || n > MaxTokens)
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, $"row count must lie in [1, {MaxTokens}] (this engine's maxTokens).");
        }
        if (inputLength != n * _config.HiddenSize)
        {
            throw new ArgumentException($"inputs for {n} rows of width {_config.HiddenSize} need {n * _config.HiddenSize} values, got {inputLength}.", "inputs");
        }
    }

    private void CheckCache(Qwen3KvCache cache, string parameter)
    {
        if (cache.LayerCount != _config.LayerCount || cache.Width != _config.KeyValueWidth)
        {
            throw new ArgumentException(
                $"cache has {cache.LayerCount} layers of width {cache.Width}; this stack needs {_config.LayerCount} of width {_config.KeyValueWidth}.", parameter);
        }
    }

    private void CheckPositions(int end)
    {
        if (end > MaxPositions)
        {
            throw new ArgumentOutOfRangeException("startPosition", end,
                $"positions up to {end - 1} exceed this engine's {MaxPositions} RoPE positions.");
        }
    }

    /// <summary>Throws when the cache cannot hold positions up to <paramref name="end"/>; grows its buffers when they are shorter.</summary>
    private static void CheckCacheCapacity(Qwen3KvCache cache, int end) => cache.EnsureRoom(end);
}
