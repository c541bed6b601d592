using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Qwen3Tts.Inference.Audio;

/// <summary>
/// Streams interleaved float samples to a WAV or raw stream as they are produced.
/// <para>
/// The header goes out with the first write (or at dispose, for an empty file), using the async path
/// when the caller writes asynchronously, so the writer works on streams that forbid synchronous I/O
/// (ASP.NET response bodies). On a seekable stream the RIFF and data sizes are patched at dispose;
/// on a non-seekable one they stay 0xFFFFFFFF, the usual convention for streamed WAV that players
/// and <see cref="WavReader"/> read as "until the end of the stream".
/// </para>
/// Not thread-safe; dispose to finish the file.
/// </summary>
public sealed class WavWriter : IAsyncDisposable, IDisposable
{
    private const int ChunkSamples = 4096;

    private readonly Stream _output;
    private readonly bool _leaveOpen;
    private readonly long _headerPosition;
    private readonly bool _patchable;
    private byte[]? _scratch;
    private bool _headerWritten;
    private bool _disposed;

    public WavWriter(Stream output, int sampleRate, int channels, AudioFormat format, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!output.CanWrite)
        {
            throw new ArgumentException("the output stream is not writable", nameof(output));
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(channels, 64);
        if (!Enum.IsDefined(format))
        {
            throw new ArgumentOutOfRangeException(nameof(format), format, "unknown audio format");
        }

        _output = output;
        _leaveOpen = leaveOpen;
        SampleRate = sampleRate;
        Channels = channels;
        Format = format;
        _patchable = format.HasWavHeader() && output.CanSeek;
        _headerPosition = _patchable ? output.Position : 0;
        _headerWritten = !format.HasWavHeader();
        _scratch = ArrayPool<byte>.Shared.Rent(ChunkSamples * sizeof(float));
    }

    public int SampleRate { get; }

    public int Channels { get; }

    public AudioFormat Format { get; }

    /// <summary>Samples written so far (all channels counted).</summary>
    public long SamplesWritten { get; private set; }

    private long DataBytes => SamplesWritten * Format.BytesPerSample();

    public void WriteSamples(ReadOnlySpan<float> samples)
    {
        var scratch = Prepare(samples.Length);
        if (!_headerWritten)
        {
            _output.Write(HeaderBytes(scratch, WavHeader.UnknownSize));
            _headerWritten = true;
        }

        while (!samples.IsEmpty)
        {
            var chunk = samples[..Math.Min(samples.Length, ChunkSamples)];
            _output.Write(Encode(chunk, scratch));
            SamplesWritten += chunk.Length;
            samples = samples[chunk.Length..];
        }
    }

    public async ValueTask WriteSamplesAsync(ReadOnlyMemory<float> samples, CancellationToken cancellationToken = default)
    {
        var scratch = Prepare(samples.Length);
        if (!_headerWritten)
        {
            var length = HeaderBytes(scratch, WavHeader.UnknownSize).Length;
            await _output.WriteAsync(scratch.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
            _headerWritten = true;
        }

        while (!samples.IsEmpty)
        {
            var chunk = samples[..Math.Min(samples.Length, ChunkSamples)];
            var length = Encode(chunk.Span, scratch).Length;
            await _output.WriteAsync(scratch.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
            SamplesWritten += chunk.Length;
            samples = samples[chunk.Length..];
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        try
        {
            if (!_headerWritten)
            {
                _output.Write(HeaderBytes(_scratch!, 0));
                _headerWritten = true;
            }
            else if (_patchable)
            {
                PatchSizes();
            }
            _output.Flush();
        }
        finally
        {
            Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        try
        {
            if (!_headerWritten)
            {
                var length = HeaderBytes(_scratch!, 0).Length;
                await _output.WriteAsync(_scratch.AsMemory(0, length)).ConfigureAwait(false);
                _headerWritten = true;
            }
            else if (_patchable)
            {
                PatchSizes(); // two 4-byte writes on a seekable (file or memory) stream
            }
            await _output.FlushAsync().ConfigureAwait(false);
        }
        finally
        {
            if (!_leaveOpen)
            {
                await _output.DisposeAsync().ConfigureAwait(false);
            }
            ReturnScratch();
            _disposed = true;
        }
    }

    private byte[] Prepare(int sampleCount)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Format.HasWavHeader() && DataBytes + (long)sampleCount * Format.BytesPerSample() > WavHeader.MaxDataBytes)
        {
            throw new InvalidOperationException("a WAV file cannot hold more than 4 GiB of samples");
        }
        return _scratch!;
    }

    // Before the first write the sizes are unknown; a seekable stream gets them patched at dispose.
    private Span<byte> HeaderBytes(byte[] scratch, uint dataBytes)
    {
        var header = scratch.AsSpan(0, WavHeader.Size);
        WavHeader.Write(header, SampleRate, Channels, Format, _patchable ? 0 : dataBytes);
        return header;
    }

    private ReadOnlySpan<byte> Encode(ReadOnlySpan<float> samples, byte[] scratch)
    {
        if (Format.IsFloat32())
        {
            var bytes = scratch.AsSpan(0, samples.Length * sizeof(float));
            MemoryMarshal.AsBytes(samples).CopyTo(bytes);
            if (!BitConverter.IsLittleEndian)
            {
                var words = MemoryMarshal.Cast<byte, int>(bytes);
                BinaryPrimitives.ReverseEndianness(words, words);
            }
            return bytes;
        }

        var shorts = MemoryMarshal.Cast<byte, short>(scratch.AsSpan(0, samples.Length * sizeof(short)));
        PcmConversion.FloatToPcm16(samples, shorts);
        if (!BitConverter.IsLittleEndian)
        {
            BinaryPrimitives.ReverseEndianness(shorts, shorts);
        }
        return MemoryMarshal.AsBytes(shorts);
    }

    private void PatchSizes()
    {
        var dataBytes = (uint)DataBytes;
        Span<byte> field = stackalloc byte[4];
        var end = _output.Position;

        _output.Position = _headerPosition + WavHeader.RiffSizeOffset;
        BinaryPrimitives.WriteUInt32LittleEndian(field, WavHeader.RiffSizeFor(dataBytes));
        _output.Write(field);

        _output.Position = _headerPosition + WavHeader.DataSizeOffset;
        BinaryPrimitives.WriteUInt32LittleEndian(field, dataBytes);
        _output.Write(field);

        _output.Position = end;
    }

    private void Release()
    {
        if (!_leaveOpen)
        {
            _output.Dispose();
        }
        ReturnScratch();
        _disposed = true;
    }

    private void ReturnScratch()
    {
        if (_scratch is not null)
        {
            ArrayPool<byte>.Shared.Return(_scratch);
            _scratch = null;
        }
    }
}
