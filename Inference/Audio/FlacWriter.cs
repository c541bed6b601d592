using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Qwen3Tts.Inference.Audio;

/// <summary>
/// Encodes 16-bit mono PCM as a FLAC stream (RFC 9639), for <c>response_format: "flac"</c>: one STREAMINFO
/// block (block and frame size bounds, total samples, MD5 of the PCM), then fixed-size frames of 4096 samples
/// (the last one shorter), each with the cheapest of a constant, fixed-predictor (orders 0–4, Rice residuals)
/// or verbatim subframe. <see cref="Encode(ReadOnlySpan{float}, int)"/> writes a complete file (STREAMINFO holds the
/// totals and MD5, so the whole signal is encoded first); <see cref="Encoders.FlacAudioEncoder"/> also streams, with those
/// fields left "unknown".
/// </summary>
public static class FlacWriter
{
    /// <summary>4096 samples (171 ms at 24 kHz): the reference encoder's default, long enough that frame headers cost little.</summary>
    public const int BlockSize = 4096;

    public const int MaxSampleRate = 655_350;

    private const int StreamInfoLength = 34;
    private const int MinBlockSize = 16;

    /// <summary>Encodes float samples in [-1, 1], converted as <see cref="PcmConversion.FloatToPcm16"/> does.</summary>
    public static byte[] Encode(ReadOnlySpan<float> samples, int sampleRate)
    {
        var pcm = ArrayPool<short>.Shared.Rent(Math.Max(1, samples.Length));
        try
        {
            PcmConversion.FloatToPcm16(samples, pcm);
            return Encode(pcm.AsSpan(0, samples.Length), sampleRate);
        }
        finally
        {
            ArrayPool<short>.Shared.Return(pcm);
        }
    }

    public static byte[] Encode(ReadOnlySpan<short> samples, int sampleRate)
    {
        CheckSampleRate(sampleRate);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("the FLAC MD5 is taken over little-endian samples");
        }

        var frames = new ArrayBufferWriter<byte>(samples.Length + 64);
        var encoder = new FlacSubframeEncoder(BlockSize);
        // The chosen subframe is never larger than verbatim, so a frame fits in verbatim size plus header and CRC.
        var frameBuffer = new byte[MaxFrameBytes];
        var minFrame = int.MaxValue;
        var maxFrame = 0;
        var frameNumber = 0L;
        for (var start = 0; start < samples.Length; start += BlockSize, frameNumber++)
        {
            var block = samples.Slice(start, Math.Min(BlockSize, samples.Length - start));
            var length = WriteFrame(block, frameNumber, sampleRate, encoder, frameBuffer);
            frames.Write(frameBuffer.AsSpan(0, length));
            minFrame = Math.Min(minFrame, length);
            maxFrame = Math.Max(maxFrame, length);
        }

        var output = new byte[4 + 4 + StreamInfoLength + frames.WrittenCount];
        "fLaC"u8.CopyTo(output);
        // Last-metadata-block flag, type 0 (STREAMINFO), 24-bit length.
        BinaryPrimitives.WriteUInt32BigEndian(output.AsSpan(4), 0x8000_0000u | StreamInfoLength);
        // Excluding the last block, every block is BlockSize; a stream of one short block declares that block (at least 16).
        var streamBlockSize = samples.Length >= BlockSize ? BlockSize : Math.Max(MinBlockSize, samples.Length);
        WriteStreamInfo(output.AsSpan(8, StreamInfoLength), streamBlockSize, frameNumber == 0 ? 0 : minFrame, maxFrame, sampleRate, samples);
        frames.WrittenSpan.CopyTo(output.AsSpan(8 + StreamInfoLength));
        return output;
    }

    /// <summary>
    /// The "fLaC" marker and a STREAMINFO for a stream written as it is produced: fixed blocks of <see cref="BlockSize"/>,
    /// frame sizes, total samples and MD5 left at 0, which RFC 9639 defines as "unknown".
    /// </summary>
    internal static byte[] StreamingHeader(int sampleRate)
    {
        CheckSampleRate(sampleRate);
        var output = new byte[4 + 4 + StreamInfoLength];
        "fLaC"u8.CopyTo(output);
        BinaryPrimitives.WriteUInt32BigEndian(output.AsSpan(4), 0x8000_0000u | StreamInfoLength);
        WriteStreamInfo(output.AsSpan(8, StreamInfoLength), BlockSize, 0, 0, sampleRate, [], withTotals: false);
        return output;
    }

    /// <summary>The largest frame <see cref="WriteFrame"/> can produce for one block.</summary>
    internal static int MaxFrameBytes => 2 * BlockSize + 32;

    private static void CheckSampleRate(int sampleRate)
    {
        if (sampleRate is < 1 or > MaxSampleRate)
        {
            throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate, $"FLAC sample rates are 1 to {MaxSampleRate} Hz");
        }
    }

    private static void WriteStreamInfo(Span<byte> info, int blockSize, int minFrame, int maxFrame, int sampleRate, ReadOnlySpan<short> samples, bool withTotals = true)
    {
        var writer = new FlacBitWriter(info);
        writer.WriteBits((uint)blockSize, 16);
        writer.WriteBits((uint)blockSize, 16);
        writer.WriteBits((uint)minFrame, 24);
        writer.WriteBits((uint)maxFrame, 24);
        writer.WriteBits((uint)sampleRate, 20);
        writer.WriteBits(0, 3);                                       // channels - 1
        writer.WriteBits(FlacSubframeEncoder.BitsPerSample - 1, 5);
        var total = withTotals ? (ulong)samples.Length : 0;
        writer.WriteBits((uint)(total >> 32), 4);                     // 36-bit total samples
        writer.WriteBits((uint)total, 32);
        if (withTotals)
        {
            MD5.HashData(MemoryMarshal.AsBytes(samples), info[18..]);
        }
    }

    internal static int WriteFrame(ReadOnlySpan<short> block, long frameNumber, int sampleRate, FlacSubframeEncoder encoder, Span<byte> buffer)
    {
        var writer = new FlacBitWriter(buffer);
        writer.WriteBits(0b11111111111110, 14); // sync code
        writer.WriteBits(0, 1);                 // reserved
        writer.WriteBits(0, 1);                 // fixed block size: the header carries the frame number
        var blockCode = BlockSizeCode(block.Length);
        var rateCode = SampleRateCode(sampleRate);
        writer.WriteBits((uint)blockCode, 4);
        writer.WriteBits((uint)rateCode, 4);
        writer.WriteBits(0b0000, 4);            // one channel
        writer.WriteBits(0b100, 3);             // 16 bits per sample
        writer.WriteBits(0, 1);                 // reserved
        WriteCodedNumber(ref writer, frameNumber);
        if (blockCode == 0b0110)
        {
            writer.WriteBits((uint)(block.Length - 1), 8);
        }
        else if (blockCode == 0b0111)
        {
            writer.WriteBits((uint)(block.Length - 1), 16);
        }
        if (rateCode == 0b1101)
        {
            writer.WriteBits((uint)sampleRate, 16);
        }
        else if (rateCode == 0b1110)
        {
            writer.WriteBits((uint)(sampleRate / 10), 16);
        }
        writer.WriteBits(FlacCrc.Crc8(writer.Written), 8);

        encoder.Encode(block, ref writer);
        writer.AlignToByte();
        writer.WriteBits(FlacCrc.Crc16(writer.Written), 16);
        return writer.BytesWritten;
    }

    private static int BlockSizeCode(int size) => size switch
    {
        192 => 0b0001,
        576 => 0b0010,
        1152 => 0b0011,
        2304 => 0b0100,
        4608 => 0b0101,
        256 => 0b1000,
        512 => 0b1001,
        1024 => 0b1010,
        2048 => 0b1011,
        4096 => 0b1100,
        8192 => 0b1101,
        16384 => 0b1110,
        32768 => 0b1111,
        <= 256 => 0b0110,   // size - 1 follows in 8 bits
        _ => 0b0111,        // size - 1 follows in 16 bits
    };

    private static int SampleRateCode(int rate) => rate switch
    {
        88_200 => 0b0001,
        176_400 => 0b0010,
        192_000 => 0b0011,
        8_000 => 0b0100,
        16_000 => 0b0101,
        22_050 => 0b0110,
        24_000 => 0b0111,
        32_000 => 0b1000,
        44_100 => 0b1001,
        48_000 => 0b1010,
        96_000 => 0b1011,
        <= 65_535 => 0b1101,                 // in Hz, 16 bits follow
        _ when rate % 10 == 0 => 0b1110,     // in tens of Hz, 16 bits follow
        _ => 0b0000,                         // as in STREAMINFO
    };

    // Frame numbers use the UTF-8 scheme extended to 36 bits: a lead byte of n ones, then n - 1 bytes 10xxxxxx.
    private static void WriteCodedNumber(ref FlacBitWriter writer, long value)
    {
        if (value < 0x80)
        {
            writer.WriteBits((uint)value, 8);
            return;
        }
        var continuation = value switch
        {
            < 0x800 => 1,
            < 0x1_0000 => 2,
            < 0x20_0000 => 3,
            < 0x400_0000 => 4,
            < 0x8000_0000 => 5,
            _ => 6,
        };
        var lead = (0xFF00u >> (continuation + 1)) & 0xFF;    // continuation + 1 leading ones
        writer.WriteBits(lead | (uint)(value >> (6 * continuation)), 8);
        for (var i = continuation - 1; i >= 0; i--)
        {
            writer.WriteBits(0x80u | (uint)((value >> (6 * i)) & 0x3F), 8);
        }
    }
}
