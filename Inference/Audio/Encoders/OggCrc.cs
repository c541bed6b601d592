namespace Qwen3Tts.Inference.Audio.Encoders;

/// <summary>
/// The page checksum of Ogg (RFC 3533): CRC-32 with polynomial 0x04C11DB7, initial value 0, no bit reflection and
/// no final XOR, over the whole page with its checksum field set to zero. Table-driven, one byte per step.
/// </summary>
public static class OggCrc
{
    private static readonly uint[] Table = BuildTable();

    public static uint Compute(ReadOnlySpan<byte> data)
    {
        var crc = 0u;
        foreach (var b in data)
        {
            crc = (crc << 8) ^ Table[(byte)(crc >> 24) ^ b];
        }
        return crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (var i = 0u; i < 256; i++)
        {
            var r = i << 24;
            for (var bit = 0; bit < 8; bit++)
            {
                r = (r & 0x8000_0000u) != 0 ? (r << 1) ^ 0x04C1_1DB7u : r << 1;
            }
            table[i] = r;
        }
        return table;
    }
}
