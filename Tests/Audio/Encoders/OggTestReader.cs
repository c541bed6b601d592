using System.Buffers.Binary;

namespace Qwen3Tts.Tests.Audio.Encoders;

/// <summary>
/// A plain Ogg reader for checking the writer: it walks the pages, recomputes every CRC bit by bit (not with the
/// writer's table), checks the capture pattern, version, serial number and sequence numbers, and reassembles packets.
/// </summary>
internal static class OggTestReader
{
    public sealed record Page(int Flags, long Granule, uint Serial, uint Sequence, IReadOnlyList<byte[]> Packets);

    public static List<Page> Read(byte[] data)
    {
        var pages = new List<Page>();
        var offset = 0;
        var partial = new List<byte>();
        while (offset < data.Length)
        {
            if (data.Length - offset < 27 || data[offset] != 'O' || data[offset + 1] != 'g' || data[offset + 2] != 'g' || data[offset + 3] != 'S')
            {
                throw new InvalidDataException($"no OggS capture pattern at byte {offset}");
            }
            if (data[offset + 4] != 0)
            {
                throw new InvalidDataException("unknown Ogg version");
            }
            var segments = data[offset + 26];
            var lacing = data.AsSpan(offset + 27, segments);
            var bodyLength = 0;
            foreach (var value in lacing)
            {
                bodyLength += value;
            }
            var pageLength = 27 + segments + bodyLength;
            var page = data.AsSpan(offset, pageLength).ToArray();
            var stored = BinaryPrimitives.ReadUInt32LittleEndian(page.AsSpan(22));
            page.AsSpan(22, 4).Clear();
            if (BitwiseCrc(page) != stored)
            {
                throw new InvalidDataException($"bad CRC on page {pages.Count}");
            }
            var packets = new List<byte[]>();
            var body = offset + 27 + segments;
            foreach (var value in lacing)
            {
                partial.AddRange(data.AsSpan(body, value).ToArray());
                body += value;
                if (value < 255)
                {
                    packets.Add([.. partial]);
                    partial.Clear();
                }
            }
            pages.Add(new Page(data[offset + 5], BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(offset + 6)),
                BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(offset + 14)), BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(offset + 18)), packets));
            offset += pageLength;
        }
        for (var i = 0; i < pages.Count; i++)
        {
            if (pages[i].Sequence != i || pages[i].Serial != pages[0].Serial)
            {
                throw new InvalidDataException($"page {i}: sequence {pages[i].Sequence}, serial {pages[i].Serial}");
            }
        }
        return pages;
    }

    private static uint BitwiseCrc(ReadOnlySpan<byte> data)
    {
        var crc = 0u;
        foreach (var b in data)
        {
            crc ^= (uint)b << 24;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 0x8000_0000u) != 0 ? (crc << 1) ^ 0x04C11DB7u : crc << 1;
            }
        }
        return crc;
    }
}
