using System.Buffers;

namespace Qwen3Tts.Inference.Pipeline;

/// <summary>
/// A growable float buffer on <see cref="ArrayPool{T}.Shared"/>: what the in-process stream decodes into and hands
/// out. An utterance's buffers come from the arrays earlier utterances returned, and a backlog that outgrows one swaps
/// it for a larger pooled array, so after warm-up neither a new utterance nor a slow decoder allocates (an
/// <see cref="ArrayBufferWriter{T}"/> per channel allocated ~0.9 MB at the end of a 200-frame stream whose decoder fell
/// behind on a loaded box). Not thread-safe. Dispose returns the array; nothing it handed out may be used after that.
/// </summary>
internal sealed class PooledAudioBuffer : IBufferWriter<float>, IDisposable
{
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
        var grown = ArrayPool<float>.Shared.Rent(Math.Max(needed, _array.Length * 2));
        _array.AsSpan(0, _count).CopyTo(grown);
        Return();
        _array = grown;
    }

    private void Return()
    {
        if (_array.Length > 0)
        {
            ArrayPool<float>.Shared.Return(_array);
        }
        _array = [];
    }

    public void Dispose()
    {
        Return();
        _count = 0;
    }
}
