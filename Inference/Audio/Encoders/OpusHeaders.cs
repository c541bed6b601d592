using System.Buffers.Binary;
using System.Text;

namespace Qwen3Tts.Inference.Audio.Encoders;

/// <summary>The two header packets of an Ogg Opus stream (RFC 7845 §5): identification (OpusHead) and comments (OpusTags).</summary>
public static class OpusHeaders
{
    public const string Vendor = "qwen3-tts-orleans (Concentus)";

    /// <summary>
    /// OpusHead for a mono stream: version 1, one channel, the pre-skip in 48 kHz samples, the original input rate
    /// (informational only: Opus always decodes at 48 kHz or a divisor), output gain 0, channel mapping family 0.
    /// </summary>
    public static byte[] Identification(int preSkip48k, int inputSampleRate)
    {
        var head = new byte[19];
        "OpusHead"u8.CopyTo(head);
        head[8] = 1;
        head[9] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(head.AsSpan(10), checked((ushort)preSkip48k));
        BinaryPrimitives.WriteUInt32LittleEndian(head.AsSpan(12), (uint)inputSampleRate);
        BinaryPrimitives.WriteInt16LittleEndian(head.AsSpan(16), 0);
        head[18] = 0;
        return head;
    }

    /// <summary>OpusTags with the vendor string and no user comments.</summary>
    public static byte[] Comments()
    {
        var vendor = Encoding.UTF8.GetBytes(Vendor);
        var tags = new byte[8 + 4 + vendor.Length + 4];
        "OpusTags"u8.CopyTo(tags);
        BinaryPrimitives.WriteUInt32LittleEndian(tags.AsSpan(8), (uint)vendor.Length);
        vendor.CopyTo(tags, 12);
        BinaryPrimitives.WriteUInt32LittleEndian(tags.AsSpan(12 + vendor.Length), 0);
        return tags;
    }
}
