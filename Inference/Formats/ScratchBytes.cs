using System.Buffers;

namespace Qwen3Tts.Inference.Formats;

/// <summary>
/// A byte buffer for one row read: the caller's stack space when the row fits in it, a pooled array otherwise, so a
/// row read allocates nothing. <c>using var s = new ScratchBytes(stackalloc byte[ScratchBytes.StackLimit], n);</c>
/// </summary>
internal ref struct ScratchBytes
{
    /// <summary>The stack space callers give: a 2048-wide f64 row (16 KB), the widest row a model table has.</summary>
    public const int StackLimit = 16 * 1024;

    private byte[]? _rented;

    public ScratchBytes(Span<byte> stack, int length)
    {
        if (length <= stack.Length)
        {
            Span = stack[..length];
        }
        else
        {
            _rented = ArrayPool<byte>.Shared.Rent(length);
            Span = _rented.AsSpan(0, length);
        }
    }

    public Span<byte> Span { get; }

    public void Dispose()
    {
        if (_rented is not null)
        {
            ArrayPool<byte>.Shared.Return(_rented);
            _rented = null;
        }
    }
}
