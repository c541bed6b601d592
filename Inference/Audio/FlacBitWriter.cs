namespace Qwen3Tts.Inference.Audio;

/// <summary>Big-endian, most-significant-bit-first bit packing into a caller-owned buffer (FLAC's bit order).</summary>
internal ref struct FlacBitWriter
{
    private readonly Span<byte> _buffer;
    private int _byte;
    private ulong _accumulator; // pending bits, right-aligned
    private int _pendingBits;

    public FlacBitWriter(Span<byte> buffer)
    {
        _buffer = buffer;
    }

    /// <summary>Whole bytes written so far; call <see cref="AlignToByte"/> first to include a partial byte.</summary>
    public readonly int BytesWritten => _byte;

    public readonly bool IsByteAligned => _pendingBits == 0;

    public void WriteBits(uint value, int count)
    {
        if (count == 0)
        {
            return;
        }
        _accumulator = (_accumulator << count) | (value & (uint)((1UL << count) - 1));
        _pendingBits += count;
        while (_pendingBits >= 8)
        {
            _pendingBits -= 8;
            _buffer[_byte++] = (byte)(_accumulator >> _pendingBits);
        }
    }

    public void WriteSigned(int value, int count) => WriteBits((uint)value, count);

    /// <summary>Writes <paramref name="zeros"/> zero bits and then a one: the unary part of a Rice code.</summary>
    public void WriteUnary(uint zeros)
    {
        while (zeros >= 32)
        {
            WriteBits(0, 32);
            zeros -= 32;
        }
        WriteBits(1, (int)zeros + 1);
    }

    /// <summary>Pads with zero bits to the next byte boundary.</summary>
    public void AlignToByte()
    {
        if (_pendingBits > 0)
        {
            WriteBits(0, 8 - _pendingBits);
        }
    }

    public readonly ReadOnlySpan<byte> Written => _buffer[.._byte];
}
