using System.Buffers.Binary;

namespace Qwen3Tts.Inference.Audio;

/// <summary>
/// The canonical 44-byte RIFF/WAVE header: RIFF, a 16-byte "fmt " chunk, then "data". Float32 uses
/// format tag 3 (WAVE_FORMAT_IEEE_FLOAT) in the same 16-byte fmt chunk, without the optional cbSize
/// and "fact" chunk: the simplest layout, read by ffmpeg, sox, libsndfile and browsers alike.
/// </summary>
internal static class WavHeader
{
    public const int Size = 44;

    /// <summary>Size value for streams whose length is unknown when the header goes out (the usual convention).</summary>
    public const uint UnknownSize = 0xFFFF_FFFF;

    public const int RiffSizeOffset = 4;
    public const int DataSizeOffset = 40;

    public const ushort FormatPcm = 1;
    public const ushort FormatIeeeFloat = 3;

    public static void Write(Span<byte> header, int sampleRate, int channels, AudioFormat format, uint dataBytes)
    {
        var bytesPerSample = format.BytesPerSample();
        "RIFF"u8.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], RiffSizeFor(dataBytes));
        "WAVE"u8.CopyTo(header[8..]);
        "fmt "u8.CopyTo(header[12..]);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], 16);
        BinaryPrimitives.WriteUInt16LittleEndian(header[20..], format.IsFloat32() ? FormatIeeeFloat : FormatPcm);
        BinaryPrimitives.WriteUInt16LittleEndian(header[22..], (ushort)channels);
        BinaryPrimitives.WriteUInt32LittleEndian(header[24..], (uint)sampleRate);
        BinaryPrimitives.WriteUInt32LittleEndian(header[28..], (uint)(sampleRate * channels * bytesPerSample));
        BinaryPrimitives.WriteUInt16LittleEndian(header[32..], (ushort)(channels * bytesPerSample));
        BinaryPrimitives.WriteUInt16LittleEndian(header[34..], (ushort)(8 * bytesPerSample));
        "data"u8.CopyTo(header[36..]);
        BinaryPrimitives.WriteUInt32LittleEndian(header[40..], dataBytes);
    }

    public static uint RiffSizeFor(uint dataBytes) => dataBytes == UnknownSize ? UnknownSize : dataBytes + (Size - 8);

    /// <summary>Largest data chunk whose RIFF size still fits in 32 bits.</summary>
    public const long MaxDataBytes = uint.MaxValue - 1 - (Size - 8);
}
