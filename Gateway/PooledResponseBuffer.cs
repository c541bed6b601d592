using System.Buffers;

namespace Qwen3Tts.Gateway;

/// <summary>
/// A complete response's encoded audio while it is generated, in 64 KiB arrays rented from the shared pool: a
/// <see cref="MemoryStream"/> doubles one array, so every response over ~85 KB (3.5 s of 16-bit WAV) left arrays on
/// the large-object heap, which only a full collection frees (83% of the large allocations in the load run, and the
/// main reason the server's RSS climbed by tens of MiB before the GC caught up). Seekable within what was written, so
/// the WAV writer can patch its header's sizes.
/// </summary>
internal sealed class PooledResponseBuffer : Stream
{
    // Below the large-object threshold (85,000 bytes), so the pool's arrays live in the ordinary heap.
    private const int SegmentBytes = 64 * 1024;

    private readonly List<byte[]> _segments = [];
    private long _length;
    private long _position;
    private bool _disposed;

    public override bool CanRead => false;

    public override bool CanSeek => true;

    public override bool CanWrite => true;

    public override long Length => _length;

    public override long Position
    {
        get => _position;
        set => _position = value >= 0 && value <= _length ? value : throw new ArgumentOutOfRangeException(nameof(value), value, $"a position within the {_length} bytes written");
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (buffer.Length > 0)
        {
            var index = (int)(_position / SegmentBytes);
            var offset = (int)(_position % SegmentBytes);
            if (index == _segments.Count)
            {
                _segments.Add(ArrayPool<byte>.Shared.Rent(SegmentBytes));
            }
            var take = Math.Min(buffer.Length, SegmentBytes - offset);
            buffer[..take].CopyTo(_segments[index].AsSpan(offset));
            buffer = buffer[take..];
            _position += take;
            _length = Math.Max(_length, _position);
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void WriteByte(byte value) => Write([value]);

    /// <summary>Writes everything written so far to <paramref name="destination"/>, one segment at a time.</summary>
    public async Task WriteToAsync(Stream destination, CancellationToken cancellationToken)
    {
        var left = _length;
        foreach (var segment in _segments)
        {
            var take = (int)Math.Min(left, SegmentBytes);
            await destination.WriteAsync(segment.AsMemory(0, take), cancellationToken);
            left -= take;
        }
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => _length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        return _position;
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("the response buffer is written, then copied to the response");

    public override void SetLength(long value) => throw new NotSupportedException("the response buffer only grows");

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            foreach (var segment in _segments)
            {
                ArrayPool<byte>.Shared.Return(segment);
            }
            _segments.Clear();
            _length = _position = 0;
        }
        base.Dispose(disposing);
    }
}
