using System.Security.Cryptography;

namespace Qwen3Tts.Tests.Audio;

/// <summary>
/// A deliberately plain FLAC reader for checking FlacWriter: 16-bit mono, fixed block size, CONSTANT, VERBATIM
/// and FIXED subframes, Rice and Rice2 residuals (escapes included). It checks every header CRC-8 and frame
/// CRC-16 with bit-by-bit CRCs of its own, and fails on anything it does not understand.
/// </summary>
internal static class FlacTestDecoder
{
    public sealed record StreamInfo(int MinBlockSize, int MaxBlockSize, int MinFrameSize, int MaxFrameSize, int SampleRate, int Channels, int BitsPerSample, long TotalSamples, byte[] Md5);

    /// <summary>One frame; <paramref name="ResidualMethod"/> is 0 (4-bit Rice parameters), 1 (5-bit) or -1 (no residual).</summary>
    public sealed record Frame(int Offset, int Length, long Number, int BlockSize, int SubframeType, int ResidualMethod);

    public sealed record DecodedFlac(StreamInfo Info, short[] Samples, IReadOnlyList<Frame> Frames);

    public static DecodedFlac Decode(byte[] data)
    {
        if (data.Length < 42 || data[0] != 'f' || data[1] != 'L' || data[2] != 'a' || data[3] != 'C')
        {
            throw new InvalidDataException("no fLaC marker");
        }
        var header = new BitReader(data, 4);
        var last = header.Read(1);
        var type = header.Read(7);
        var length = header.Read(24);
        if (last != 1 || type != 0 || length != 34)
        {
            throw new InvalidDataException($"expected one STREAMINFO block of 34 bytes, got last={last} type={type} length={length}");
        }
        var info = new StreamInfo(
            (int)header.Read(16), (int)header.Read(16), (int)header.Read(24), (int)header.Read(24), (int)header.Read(20),
            (int)header.Read(3) + 1, (int)header.Read(5) + 1, (long)header.Read(36), data[26..42]);
        if (info.Channels != 1 || info.BitsPerSample != 16)
        {
            throw new InvalidDataException("this test decoder reads 16-bit mono only");
        }

        var samples = new List<short>();
        var frames = new List<Frame>();
        var offset = 42;
        while (offset < data.Length)
        {
            var frame = DecodeFrame(data, offset, info, samples);
            frames.Add(frame);
            offset += frame.Length;
        }

        if (samples.Count != info.TotalSamples)
        {
            throw new InvalidDataException($"STREAMINFO says {info.TotalSamples} samples, frames hold {samples.Count}");
        }
        var pcm = new byte[samples.Count * 2];
        for (var i = 0; i < samples.Count; i++)
        {
            pcm[2 * i] = (byte)samples[i];
            pcm[2 * i + 1] = (byte)(samples[i] >> 8);
        }
        if (!MD5.HashData(pcm).AsSpan().SequenceEqual(info.Md5))
        {
            throw new InvalidDataException("MD5 of the decoded samples differs from STREAMINFO");
        }
        return new DecodedFlac(info, samples.ToArray(), frames);
    }

    private static Frame DecodeFrame(byte[] data, int offset, StreamInfo info, List<short> samples)
    {
        var r = new BitReader(data, offset);
        if (r.Read(14) != 0b11111111111110 || r.Read(1) != 0 || r.Read(1) != 0)
        {
            throw new InvalidDataException($"no fixed-blocksize frame sync at byte {offset}");
        }
        var blockCode = (int)r.Read(4);
        var rateCode = (int)r.Read(4);
        var channelCode = r.Read(4);
        var sizeCode = r.Read(3);
        if (channelCode != 0 || sizeCode != 0b100 || r.Read(1) != 0)
        {
            throw new InvalidDataException($"frame at {offset}: not a 16-bit mono header");
        }
        var number = ReadCodedNumber(ref r);
        var blockSize = blockCode switch
        {
            0b0001 => 192,
            >= 0b0010 and <= 0b0101 => 576 << (blockCode - 2),
            0b0110 => (int)r.Read(8) + 1,
            0b0111 => (int)r.Read(16) + 1,
            >= 0b1000 => 256 << (blockCode - 8),
            _ => throw new InvalidDataException($"frame at {offset}: reserved block size code"),
        };
        var rate = rateCode switch
        {
            0b0000 => info.SampleRate,
            0b0111 => 24_000,
            0b1010 => 48_000,
            0b1001 => 44_100,
            0b0101 => 16_000,
            0b1101 => (int)r.Read(16),
            0b1110 => (int)r.Read(16) * 10,
            _ => throw new InvalidDataException($"frame at {offset}: sample rate code {rateCode} not handled by this test decoder"),
        };
        if (rate != info.SampleRate)
        {
            throw new InvalidDataException($"frame at {offset}: rate {rate} differs from STREAMINFO {info.SampleRate}");
        }
        var headerLength = r.BytePosition - offset;
        if (r.Read(8) != BitwiseCrc8(data.AsSpan(offset, headerLength)))
        {
            throw new InvalidDataException($"frame at {offset}: header CRC-8 mismatch");
        }

        var block = new int[blockSize];
        var subframeType = DecodeSubframe(ref r, block, out var residualMethod);
        r.AlignToByte();
        var crcOffset = r.BytePosition;
        if (r.Read(16) != BitwiseCrc16(data.AsSpan(offset, crcOffset - offset)))
        {
            throw new InvalidDataException($"frame at {offset}: frame CRC-16 mismatch");
        }
        foreach (var sample in block)
        {
            samples.Add(checked((short)sample));
        }
        return new Frame(offset, r.BytePosition - offset, number, blockSize, subframeType, residualMethod);
    }

    private static int DecodeSubframe(ref BitReader r, int[] block, out int residualMethod)
    {
        residualMethod = -1;
        if (r.Read(1) != 0)
        {
            throw new InvalidDataException("subframe padding bit set");
        }
        var type = (int)r.Read(6);
        if (r.Read(1) != 0)
        {
            throw new InvalidDataException("wasted bits are not expected");
        }
        if (type == 0)
        {
            Array.Fill(block, r.ReadSigned(16));
        }
        else if (type == 1)
        {
            for (var i = 0; i < block.Length; i++)
            {
                block[i] = r.ReadSigned(16);
            }
        }
        else if (type is >= 0b001000 and <= 0b001100)
        {
            var order = type & 0b111;
            for (var i = 0; i < order; i++)
            {
                block[i] = r.ReadSigned(16);
            }
            residualMethod = ReadResidual(ref r, block, order);
            for (var i = order; i < block.Length; i++)
            {
                block[i] += order switch
                {
                    0 => 0,
                    1 => block[i - 1],
                    2 => 2 * block[i - 1] - block[i - 2],
                    3 => 3 * block[i - 1] - 3 * block[i - 2] + block[i - 3],
                    _ => 4 * block[i - 1] - 6 * block[i - 2] + 4 * block[i - 3] - block[i - 4],
                };
            }
        }
        else
        {
            throw new InvalidDataException($"subframe type {type} not handled by this test decoder");
        }
        return type;
    }

    private static int ReadResidual(ref BitReader r, int[] block, int order)
    {
        var method = r.Read(2);
        if (method > 1)
        {
            throw new InvalidDataException($"reserved residual coding method {method}");
        }
        var parameterBits = method == 0 ? 4 : 5;
        var escape = (1u << parameterBits) - 1;
        var partitionOrder = (int)r.Read(4);
        var partitions = 1 << partitionOrder;
        if (block.Length % partitions != 0 || (block.Length >> partitionOrder) < order)
        {
            throw new InvalidDataException($"partition order {partitionOrder} does not fit block {block.Length} at order {order}");
        }
        var index = order;
        for (var j = 0; j < partitions; j++)
        {
            var count = (block.Length >> partitionOrder) - (j == 0 ? order : 0);
            var parameter = r.Read(parameterBits);
            if (parameter == escape)
            {
                var bits = (int)r.Read(5);
                for (var i = 0; i < count; i++)
                {
                    block[index++] = bits == 0 ? 0 : r.ReadSigned(bits);
                }
                continue;
            }
            for (var i = 0; i < count; i++)
            {
                uint quotient = 0;
                while (r.Read(1) == 0)
                {
                    quotient++;
                }
                var folded = (quotient << (int)parameter) | (uint)r.Read((int)parameter);
                block[index++] = (int)(folded >> 1) ^ -(int)(folded & 1);
            }
        }
        return (int)method;
    }

    private static long ReadCodedNumber(ref BitReader r)
    {
        var lead = (int)r.Read(8);
        if (lead < 0x80)
        {
            return lead;
        }
        var ones = 0;
        while (ones < 8 && (lead & (0x80 >> ones)) != 0)
        {
            ones++;
        }
        if (ones is < 2 or > 7)
        {
            throw new InvalidDataException($"bad coded number lead byte 0x{lead:X2}");
        }
        long value = lead & (0x7F >> ones);
        for (var i = 1; i < ones; i++)
        {
            var next = (int)r.Read(8);
            if ((next & 0xC0) != 0x80)
            {
                throw new InvalidDataException("bad coded number continuation byte");
            }
            value = (value << 6) | (long)(next & 0x3F);
        }
        return value;
    }

    public static byte BitwiseCrc8(ReadOnlySpan<byte> data)
    {
        var crc = 0;
        foreach (var b in data)
        {
            for (var bit = 7; bit >= 0; bit--)
            {
                var top = ((crc >> 7) ^ (b >> bit)) & 1;
                crc = ((crc << 1) & 0xFF) ^ (top != 0 ? 0x07 : 0);
            }
        }
        return (byte)crc;
    }

    public static ushort BitwiseCrc16(ReadOnlySpan<byte> data)
    {
        var crc = 0;
        foreach (var b in data)
        {
            for (var bit = 7; bit >= 0; bit--)
            {
                var top = ((crc >> 15) ^ (b >> bit)) & 1;
                crc = ((crc << 1) & 0xFFFF) ^ (top != 0 ? 0x8005 : 0);
            }
        }
        return (ushort)crc;
    }

    private ref struct BitReader(byte[] data, int byteOffset)
    {
        private long _bit = byteOffset * 8L;

        public readonly int BytePosition => (int)(_bit / 8);

        public ulong Read(int count)
        {
            ulong value = 0;
            for (var i = 0; i < count; i++)
            {
                var index = (int)(_bit >> 3);
                if (index >= data.Length)
                {
                    throw new InvalidDataException("truncated FLAC data");
                }
                value = (value << 1) | (uint)((data[index] >> (7 - (int)(_bit & 7))) & 1);
                _bit++;
            }
            return value;
        }

        public int ReadSigned(int count)
        {
            var raw = Read(count);
            return (int)((long)(raw << (64 - count)) >> (64 - count));
        }

        public void AlignToByte() => _bit = (_bit + 7) & ~7L;
    }
}
