using System.Buffers.Binary;
using System.Text;

namespace Qwen3Tts.Tests.Audio;

/// <summary>Hand-assembled WAV files for reader tests (independent of <c>WavWriter</c>).</summary>
internal static class WavFixtures
{
    public static byte[] Chunk(string id, byte[] body)
    {
        var chunk = new byte[8 + body.Length + (body.Length & 1)];
        Encoding.ASCII.GetBytes(id).CopyTo(chunk, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(chunk.AsSpan(4), (uint)body.Length);
        body.CopyTo(chunk, 8);
        return chunk;
    }

    public static byte[] Fmt(ushort tag, ushort channels, uint sampleRate, ushort bits, ushort? blockAlign = null)
    {
        var body = new byte[16];
        var align = blockAlign ?? (ushort)(channels * bits / 8);
        BinaryPrimitives.WriteUInt16LittleEndian(body, tag);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(2), channels);
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(4), sampleRate);
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(8), sampleRate * align);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(12), align);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(14), bits);
        return Chunk("fmt ", body);
    }

    /// <summary>A 40-byte WAVE_FORMAT_EXTENSIBLE fmt chunk whose sub-format GUID starts with <paramref name="subTag"/>.</summary>
    public static byte[] FmtExtensible(ushort subTag, ushort channels, uint sampleRate, ushort bits)
    {
        var plain = Fmt(0xFFFE, channels, sampleRate, bits);
        var body = new byte[40];
        plain.AsSpan(8, 16).CopyTo(body);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(16), 22);   // cbSize
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(18), bits); // valid bits
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(24), subTag);
        // rest of the KSDATAFORMAT GUID: 0000-0010-8000-00aa00389b71
        new byte[] { 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71 }.CopyTo(body, 26);
        return Chunk("fmt ", body);
    }

    public static byte[] Riff(params byte[][] chunks)
    {
        var body = chunks.SelectMany(c => c).ToArray();
        var file = new byte[12 + body.Length];
        Encoding.ASCII.GetBytes("RIFF").CopyTo(file, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(4), (uint)(4 + body.Length));
        Encoding.ASCII.GetBytes("WAVE").CopyTo(file, 8);
        body.CopyTo(file, 12);
        return file;
    }

    /// <summary>A "data" chunk header claiming <paramref name="declaredSize"/> bytes followed by <paramref name="body"/>.</summary>
    public static byte[] DataWithDeclaredSize(uint declaredSize, byte[] body)
    {
        var chunk = new byte[8 + body.Length];
        Encoding.ASCII.GetBytes("data").CopyTo(chunk, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(chunk.AsSpan(4), declaredSize);
        body.CopyTo(chunk, 8);
        return chunk;
    }

    public static byte[] Int16s(params short[] values)
    {
        var bytes = new byte[values.Length * 2];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(2 * i), values[i]);
        }
        return bytes;
    }
}

/// <summary>A write-only, non-seekable stream that also refuses synchronous writes, like an ASP.NET response body.</summary>
internal sealed class AsyncOnlyStream(bool allowSyncWrites) : Stream
{
    private readonly MemoryStream _inner = new();

    public byte[] Written => _inner.ToArray();

    public bool Disposed { get; private set; }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush()
    {
        if (!allowSyncWrites)
        {
            throw new InvalidOperationException("synchronous operations are disallowed");
        }
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (!allowSyncWrites)
        {
            throw new InvalidOperationException("synchronous operations are disallowed");
        }
        _inner.Write(buffer);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _inner.Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    protected override void Dispose(bool disposing)
    {
        Disposed = true;
        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync()
    {
        Disposed = true;
        return ValueTask.CompletedTask;
    }
}
