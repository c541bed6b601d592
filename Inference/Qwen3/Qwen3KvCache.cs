using Qwen3Tts.Inference.Models;

namespace Qwen3Tts.Inference.Qwen3;

/// <summary>
/// Keys (already normed and rotated) and values of one sequence, preallocated for
/// <see cref="Capacity"/> positions so decoding never allocates. Not thread-safe: one per request.
/// </summary>
public sealed class Qwen3KvCache
{
    private readonly float[][] _keys;
    private readonly float[][] _values;

    public Qwen3KvCache(Qwen3DecoderConfig config, int capacity)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        LayerCount = config.LayerCount;
        Capacity = capacity;
        Width = config.KeyValueWidth;
        _keys = new float[LayerCount][];
        _values = new float[LayerCount][];
        for (var l = 0; l < LayerCount; l++)
        {
            _keys[l] = new float[(long)capacity * Width];
            _values[l] = new float[(long)capacity * Width];
        }
    }

    public int LayerCount { get; }

    /// <summary>Most positions the cache can hold.</summary>
    public int Capacity { get; }

    /// <summary>kv_heads * head_dim floats per position.</summary>
    public int Width { get; }

    /// <summary>Positions 0..Length-1 hold valid entries.</summary>
    public int Length { get; internal set; }

    /// <summary>Forgets every position (the buffers are kept).</summary>
    public void Clear() => Length = 0;

    internal Span<float> Keys(int layer, int position) => _keys[layer].AsSpan(position * Width, Width);

    internal Span<float> Values(int layer, int position) => _values[layer].AsSpan(position * Width, Width);

    internal ReadOnlySpan<float> Keys(int layer, int start, int count) => _keys[layer].AsSpan(start * Width, count * Width);

    internal ReadOnlySpan<float> Values(int layer, int start, int count) => _values[layer].AsSpan(start * Width, count * Width);
}
