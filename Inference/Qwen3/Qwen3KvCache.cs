using System.Runtime.InteropServices;
using Qwen3Tts.Inference.Models;

namespace Qwen3Tts.Inference.Qwen3;

/// <summary>
/// Keys (already normed and rotated) and values of one sequence, for up to <see cref="Capacity"/> positions.
/// The buffers start at <c>reserve</c> positions and double when a forward pass needs more (a copy of what they
/// hold, a few times in a sequence's life at most), so a cache sized for a long context costs only what its
/// requests used: the talker's 28 layers take 224 KB per position in f32, 459 MB at 2048, which four idle
/// sequences must not hold. Not thread-safe: one per request.
/// </summary>
public sealed class Qwen3KvCache
{
    private readonly float[][] _keys;
    private readonly float[][] _values;

    /// <param name="capacity">Most positions the cache may hold.</param>
    /// <param name="reserve">Positions allocated up front (0 = all of <paramref name="capacity"/>).</param>
    public Qwen3KvCache(Qwen3DecoderConfig config, int capacity, int reserve = 0)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(reserve);
        LayerCount = config.LayerCount;
        Capacity = capacity;
        Width = config.KeyValueWidth;
        Allocated = reserve == 0 ? capacity : Math.Min(reserve, capacity);
        _keys = new float[LayerCount][];
        _values = new float[LayerCount][];
        for (var l = 0; l < LayerCount; l++)
        {
            _keys[l] = new float[(long)Allocated * Width];
            _values[l] = new float[(long)Allocated * Width];
        }
    }

    public int LayerCount { get; }

    /// <summary>Most positions the cache can hold.</summary>
    public int Capacity { get; }

    /// <summary>Positions the buffers hold now (grown on demand up to <see cref="Capacity"/>).</summary>
    public int Allocated { get; private set; }

    /// <summary>kv_heads * head_dim floats per position.</summary>
    public int Width { get; }

    /// <summary>Positions 0..Length-1 hold valid entries.</summary>
    public int Length { get; internal set; }

    /// <summary>Bytes the buffers take now.</summary>
    public long AllocatedBytes => (long)LayerCount * 2 * Allocated * Width * sizeof(float);

    /// <summary>Bytes of the entries of <paramref name="positions"/> positions (<see cref="CopyTo"/>'s size).</summary>
    public long StateBytes(int positions) => (long)LayerCount * 2 * positions * Width * sizeof(float);

    /// <summary>Forgets every position (the buffers are kept).</summary>
    public void Clear() => Length = 0;

    /// <summary>Makes room for positions 0..<paramref name="positions"/>-1, keeping what is held; throws beyond <see cref="Capacity"/>.</summary>
    internal void EnsureRoom(int positions)
    {
        if (positions > Capacity)
        {
            throw new ArgumentException($"cache holds {Capacity} positions; {positions} are needed.", "cache");
        }
        if (positions <= Allocated)
        {
            return;
        }
        var grown = Math.Min(Capacity, Math.Max(positions, Allocated * 2));
        for (var l = 0; l < LayerCount; l++)
        {
            _keys[l] = Grow(_keys[l], grown);
            _values[l] = Grow(_values[l], grown);
        }
        Allocated = grown;
    }

    /// <summary>Writes the entries of positions 0..<paramref name="positions"/>-1 (every layer's keys, then values) as bytes.</summary>
    public void CopyTo(int positions, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(positions, Length);
        var count = positions * Width;
        if (destination.Length != StateBytes(positions))
        {
            throw new ArgumentException($"a state of {positions} positions is {StateBytes(positions)} bytes, got {destination.Length}.", nameof(destination));
        }
        var floats = MemoryMarshal.Cast<byte, float>(destination);
        for (var l = 0; l < LayerCount; l++)
        {
            _keys[l].AsSpan(0, count).CopyTo(floats.Slice(2 * l * count, count));
            _values[l].AsSpan(0, count).CopyTo(floats.Slice((2 * l + 1) * count, count));
        }
    }

    /// <summary>Replaces what the cache holds with a state <see cref="CopyTo"/> wrote: it then holds <paramref name="positions"/> positions.</summary>
    public void LoadFrom(int positions, ReadOnlySpan<byte> source)
    {
        if (source.Length != StateBytes(positions))
        {
            throw new ArgumentException($"a state of {positions} positions is {StateBytes(positions)} bytes, got {source.Length}.", nameof(source));
        }
        EnsureRoom(positions);
        var count = positions * Width;
        var floats = MemoryMarshal.Cast<byte, float>(source);
        for (var l = 0; l < LayerCount; l++)
        {
            floats.Slice(2 * l * count, count).CopyTo(_keys[l]);
            floats.Slice((2 * l + 1) * count, count).CopyTo(_values[l]);
        }
        Length = positions;
    }

    internal Span<float> Keys(int layer, int position) => _keys[layer].AsSpan(position * Width, Width);

    internal Span<float> Values(int layer, int position) => _values[layer].AsSpan(position * Width, Width);

    internal ReadOnlySpan<float> Keys(int layer, int start, int count) => _keys[layer].AsSpan(start * Width, count * Width);

    internal ReadOnlySpan<float> Values(int layer, int start, int count) => _values[layer].AsSpan(start * Width, count * Width);

    private float[] Grow(float[] buffer, int positions)
    {
        var grown = new float[(long)positions * Width];
        buffer.AsSpan(0, Length * Width).CopyTo(grown);
        return grown;
    }
}
