using System.Buffers.Binary;

namespace Qwen3Tts.Inference.Audio.Encoders;

/// <summary>
/// Writes one logical Ogg bitstream (RFC 3533): packets are gathered into pages, each page carries the granule
/// position of the last packet completed on it, its sequence number and CRC. Packets are never split across pages
/// here (an Opus packet is far below a page's 65,025-byte payload), which keeps every page's granule exact.
/// </summary>
public sealed class OggPageWriter(Stream output, uint serialNumber)
{
    /// <summary>A page holds at most 255 lacing values.</summary>
    public const int MaxSegments = 255;

    private const int HeaderSize = 27;

    private const byte FirstPageFlag = 0x02;
    private const byte LastPageFlag = 0x04;

    private readonly List<byte[]> _packets = [];
    private int _segments;
    private long _granule;
    private uint _sequence;
    private bool _first = true;

    public uint SerialNumber { get; } = serialNumber;

    /// <summary>Pages written so far.</summary>
    public uint PagesWritten => _sequence;

    /// <summary>Packets waiting for the next page.</summary>
    public int PendingPackets => _packets.Count;

    /// <summary>Queues a packet whose end is at <paramref name="granulePosition"/>; a page that would overflow is written first.</summary>
    public async ValueTask AddPacketAsync(byte[] packet, long granulePosition, CancellationToken cancellationToken)
    {
        var segments = packet.Length / 255 + 1;
        if (segments > MaxSegments)
        {
            throw new ArgumentException($"an Ogg packet of {packet.Length} bytes does not fit in one page", nameof(packet));
        }
        if (_segments + segments > MaxSegments)
        {
            await FlushAsync(last: false, cancellationToken).ConfigureAwait(false);
        }
        _packets.Add(packet);
        _segments += segments;
        _granule = granulePosition;
    }

    /// <summary>
    /// Writes the queued packets as one page (nothing when none wait, unless <paramref name="last"/> must still mark
    /// the end of the stream). <paramref name="granuleOverride"/> replaces the last packet's granule position: the
    /// final page uses it to trim the encoder's padding (RFC 7845 §4.4).
    /// </summary>
    public async ValueTask FlushAsync(bool last, CancellationToken cancellationToken, long? granuleOverride = null)
    {
        if (_packets.Count == 0 && !last)
        {
            return;
        }
        var payload = _packets.Sum(p => p.Length);
        var page = new byte[HeaderSize + _segments + payload];
        "OggS"u8.CopyTo(page);
        page[4] = 0;                                                        // stream structure version
        page[5] = (byte)((_first ? FirstPageFlag : 0) | (last ? LastPageFlag : 0));
        BinaryPrimitives.WriteInt64LittleEndian(page.AsSpan(6), granuleOverride ?? _granule);
        BinaryPrimitives.WriteUInt32LittleEndian(page.AsSpan(14), SerialNumber);
        BinaryPrimitives.WriteUInt32LittleEndian(page.AsSpan(18), _sequence);
        page[26] = (byte)_segments;
        var lacing = HeaderSize;
        var body = HeaderSize + _segments;
        foreach (var packet in _packets)
        {
            // 255 marks "the packet goes on"; the value below 255 (0 for an exact multiple) ends it.
            for (var rest = packet.Length; ; rest -= 255)
            {
                page[lacing++] = (byte)Math.Min(rest, 255);
                if (rest < 255)
                {
                    break;
                }
            }
            packet.CopyTo(page, body);
            body += packet.Length;
        }
        BinaryPrimitives.WriteUInt32LittleEndian(page.AsSpan(22), OggCrc.Compute(page));
        await output.WriteAsync(page, cancellationToken).ConfigureAwait(false);

        _packets.Clear();
        _segments = 0;
        _sequence++;
        _first = false;
    }
}
