using System.Buffers;

namespace Qwen3Tts.Inference.Pipeline;

/// <summary>
/// A growable float buffer on the pipeline's audio pool: what the in-process stream decodes into and hands out. An
/// utterance's buffers come from the arrays earlier utterances returned, and a backlog that outgrows one swaps it for a
/// larger pooled array, so after warm-up neither a new utterance nor a slow decoder allocates (an
/// <see cref="ArrayBufferWriter{T}"/> per channel allocated ~0.9 MB at the end of a 200-frame stream whose decoder fell
/// behind on a loaded box). Not thread-safe. Dispose returns the array; nothing it handed out may be used after that.
/// </summary>
internal sealed class PooledAudioBuffer : IBufferWriter<float>, IDisposable
{
    /// <summary>
    /// Not <see cref="ArrayPool{T}.Shared"/>: that one keeps a returned array in the returning thread's own slot first, and
    /// the buffers are returned on whichever pool thread ends a stream, so the next streams missed and allocated 32 KB
    /// arrays for their first three or four utterances. A pool with shared buckets has them after one. 16 M samples
    /// (64 MB) is far above a buffer's bound (the vocoder ring's 64 frames and a chunk, ~0.5 MB at 24 kHz).
    /// </summary>
    private static readonly ArrayPool<float> Pool = ArrayPool<float>.Create(maxArrayLength: 1 << 24, maxArraysPerBucket: 64);

    private float[] _array = [];
    private int _count;

    public int WrittenCount => _count;

    public ReadOnlyMemory<float> WrittenMemory => _array.AsMemory(0, _count);

    public ReadOnlySpan<float> WrittenSpan => _array.AsSpan(0, _count);

    /// <summary>Empties it, keeping its array.</summary>
    public void Reset() => _count = 0;

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (_count + count > _array.Length)
        {
            throw new InvalidOperationException($"advanced {count} past the {_array.Length - _count} samples asked for");
        }
        _count += count;
    }

    public Memory<float> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsMemory(_count);
    }

    public Span<float> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsSpan(_count);
    }

    private void Ensure(int sizeHint)
    {
        var needed = _count + Math.Max(sizeHint, 1);
        if (needed <= _array.Length)
        {
            return;
        }
        var grown = Pool.Rent(Math.Max(needed, _array.Length * 2));
        _array.AsSpan(0, _count).CopyTo(grown);
        Return();
        _array = grown;
    }

    private void Return()
    {
        if (_array.Length > 0)
        {
            Pool.Return(_array);
        }
        _array = [];
    }

    public void Dispose()
    {
        Return();
        _count = 0;
    }
}
