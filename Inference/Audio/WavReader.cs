using System.Buffers.Binary;

namespace Qwen3Tts.Inference.Audio;

/// <summary>
/// Reads a RIFF/WAVE file into mono float samples: PCM 8/16/24/32-bit and IEEE float 32/64-bit,
/// plain or WAVE_FORMAT_EXTENSIBLE, any channel count (averaged to mono) and any sample rate.
/// A data size of 0xFFFFFFFF (streamed WAV, as <see cref="WavWriter"/> writes to non-seekable
/// streams) means "to the end of the file". Anything else wrong gives an
/// <see cref="InvalidDataException"/> that names the file and the problem.
/// </summary>
public static class WavReader
{
    /// <summary>Files larger than this are refused before they are read (an hour of 96 kHz stereo 32-bit is ~2.8 GB).</summary>
    public const long MaxFileBytes = 1L << 30;

    private const ushort TagPcm = 1;
    private const ushort TagIeeeFloat = 3;
    private const ushort TagExtensible = 0xFFFE;

    /// <summary>Bytes 2..15 of KSDATAFORMAT_SUBTYPE_PCM / _IEEE_FLOAT ({000000xx-0000-0010-8000-00AA00389B71}).</summary>
    private static ReadOnlySpan<byte> KsDataFormatGuidTail => [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];

    public static (float[] Samples, int SampleRate) Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Parse(File.ReadAllBytes(path), path);
    }

    /// <summary>
    /// Reads a file with its format details, refusing files over <see cref="MaxFileBytes"/> and, when
    /// <paramref name="maxSeconds"/> is given, clips longer than that (checked from the header, before decoding).
    /// </summary>
    public static WavAudio Load(string path, double? maxSeconds = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new FileNotFoundException($"{path}: no such file", path);
        }
        if (info.Length > MaxFileBytes)
        {
            throw Fail(path, $"{info.Length} bytes is larger than any WAV this reads ({MaxFileBytes} bytes)");
        }
        return Decode(File.ReadAllBytes(path), path, maxSeconds);
    }

    /// <summary>Parses WAV bytes with their format details (see <see cref="Load"/>).</summary>
    public static WavAudio Decode(ReadOnlySpan<byte> file, string sourceName, double? maxSeconds = null)
    {
        var (offset, length, format) = Locate(file, sourceName);
        var data = file.Slice(offset, length);
        var frames = data.Length / format.BlockAlign;
        var seconds = frames / (double)format.SampleRate;
        if (maxSeconds is { } limit && seconds > limit)
        {
            throw Fail(sourceName, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"is {seconds:F1} s long; at most {limit:0.##} s are accepted"));
        }
        return new WavAudio(Decode(data, format, sourceName), format.SampleRate, format.Channels, format.BitsPerSample,
            format.Tag == TagIeeeFloat ? WavSampleEncoding.Float : WavSampleEncoding.Pcm);
    }

    public static async Task<(float[] Samples, int SampleRate)> ReadAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        return Parse(bytes, path);
    }

    public static (float[] Samples, int SampleRate) Read(Stream stream, string sourceName = "WAV stream")
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), sourceName);
    }

    public static (float[] Samples, int SampleRate) Parse(ReadOnlySpan<byte> file, string sourceName)
    {
        var (offset, length, format) = Locate(file, sourceName);
        return (Decode(file.Slice(offset, length), format, sourceName), format.SampleRate);
    }

    /// <summary>The fmt chunk's format and the data chunk's bytes.</summary>
    private static (int Offset, int Length, WavFormat Format) Locate(ReadOnlySpan<byte> file, string sourceName)
    {
        if (file.Length < 12 || !file[..4].SequenceEqual("RIFF"u8) || !file[8..12].SequenceEqual("WAVE"u8))
        {
            throw Fail(sourceName, file.Length >= 4 && file[..4].SequenceEqual("RF64"u8)
                ? "RF64 (64-bit) WAV files are not read; convert to a plain WAV"
                : "not a RIFF/WAVE file");
        }

        WavFormat? format = null;
        var offset = 12;
        while (offset + 8 <= file.Length)
        {
            var id = file.Slice(offset, 4);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(file.Slice(offset + 4, 4));
            var body = offset + 8;
            var available = file.Length - body;

            if (id.SequenceEqual("data"u8))
            {
                if (format is null)
                {
                    throw Fail(sourceName, "data chunk comes before any fmt chunk");
                }

                long length = size;
                if (size == uint.MaxValue)
                {
                    length = available - available % format.BlockAlign; // streamed WAV: to the end
                }
                else if (size > available)
                {
                    throw Fail(sourceName, $"data chunk truncated: header says {size} bytes, file has {available}");
                }
                return (body, (int)length, format);
            }

            if (size > available)
            {
                throw Fail(sourceName, $"'{ChunkName(id)}' chunk truncated: header says {size} bytes, file has {available}");
            }

            if (id.SequenceEqual("fmt "u8))
            {
                format = ParseFormat(file.Slice(body, (int)size), sourceName);
            }

            offset = body + (int)size + (int)(size & 1); // chunks are padded to even sizes
        }

        throw Fail(sourceName, format is null ? "no fmt chunk and no data chunk" : "no data chunk");
    }

    private sealed record WavFormat(ushort Tag, int Channels, int SampleRate, int BlockAlign, int BitsPerSample);

    private static WavFormat ParseFormat(ReadOnlySpan<byte> chunk, string sourceName)
    {
        if (chunk.Length < 16)
        {
            throw Fail(sourceName, $"fmt chunk is {chunk.Length} bytes, expected at least 16");
        }

        var tag = BinaryPrimitives.ReadUInt16LittleEndian(chunk);
        var channels = BinaryPrimitives.ReadUInt16LittleEndian(chunk[2..]);
        var sampleRate = BinaryPrimitives.ReadUInt32LittleEndian(chunk[4..]);
        var blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(chunk[12..]);
        var bits = BinaryPrimitives.ReadUInt16LittleEndian(chunk[14..]);

        if (tag == TagExtensible)
        {
            // cbSize(2) validBits(2) channelMask(4), then the sub-format GUID whose first two bytes are the real tag.
            if (chunk.Length < 40)
            {
                throw Fail(sourceName, $"WAVE_FORMAT_EXTENSIBLE fmt chunk is {chunk.Length} bytes, expected 40");
            }
            tag = BinaryPrimitives.ReadUInt16LittleEndian(chunk[24..]);
            if (!chunk.Slice(26, 14).SequenceEqual(KsDataFormatGuidTail))
            {
                throw Fail(sourceName, "WAVE_FORMAT_EXTENSIBLE with a sub-format that is not a standard PCM/float GUID");
            }
        }

        EnsureSupported(tag, bits, sourceName);

        if (channels == 0)
        {
            throw Fail(sourceName, "channel count is 0");
        }
        if (sampleRate == 0 || sampleRate > int.MaxValue)
        {
            throw Fail(sourceName, $"invalid sample rate {sampleRate}");
        }
        if (blockAlign != channels * (bits / 8))
        {
            throw Fail(sourceName, $"block align {blockAlign} does not match {channels} channel(s) of {bits} bits");
        }
        return new WavFormat(tag, channels, (int)sampleRate, blockAlign, bits);
    }

    private static void EnsureSupported(ushort tag, ushort bits, string sourceName)
    {
        switch (tag)
        {
            case TagPcm when bits is 8 or 16 or 24 or 32:
            case TagIeeeFloat when bits is 32 or 64:
                return;
            case TagPcm:
            case TagIeeeFloat:
                throw Fail(sourceName, $"unsupported bit depth {bits} for {(tag == TagPcm ? "PCM" : "float")} samples");
            default:
                throw Fail(sourceName, $"unsupported WAV format tag {tag} ({TagName(tag)})");
        }
    }

    private static float[] Decode(ReadOnlySpan<byte> data, WavFormat format, string sourceName)
    {
        if (data.Length % format.BlockAlign != 0)
        {
            throw Fail(sourceName, $"data chunk of {data.Length} bytes is not a whole number of {format.BlockAlign}-byte frames");
        }

        var frames = data.Length / format.BlockAlign;
        var bytesPerSample = format.BitsPerSample / 8;
        var result = new float[frames];
        var scale = 1f / format.Channels;
        for (var frame = 0; frame < frames; frame++)
        {
            var block = data.Slice(frame * format.BlockAlign, format.BlockAlign);
            var sum = 0f;
            for (var channel = 0; channel < format.Channels; channel++)
            {
                sum += SampleAt(block.Slice(channel * bytesPerSample, bytesPerSample), format);
            }
            result[frame] = format.Channels == 1 ? sum : sum * scale;
        }
        return result;
    }

    private static float SampleAt(ReadOnlySpan<byte> bytes, WavFormat format) => (format.Tag, format.BitsPerSample) switch
    {
        (TagPcm, 8) => (bytes[0] - 128) / 128f,
        (TagPcm, 16) => BinaryPrimitives.ReadInt16LittleEndian(bytes) / 32768f,
        (TagPcm, 24) => ((bytes[0] | (bytes[1] << 8) | (bytes[2] << 16)) << 8 >> 8) / 8388608f,
        (TagPcm, 32) => BinaryPrimitives.ReadInt32LittleEndian(bytes) / 2147483648f,
        (TagIeeeFloat, 32) => BinaryPrimitives.ReadSingleLittleEndian(bytes),
        _ => (float)BinaryPrimitives.ReadDoubleLittleEndian(bytes),
    };

    private static string TagName(ushort tag) => tag switch
    {
        2 => "Microsoft ADPCM",
        6 => "A-law",
        7 => "mu-law",
        0x11 => "IMA ADPCM",
        0x31 => "GSM 6.10",
        0x50 => "MPEG",
        0x55 => "MP3",
        0x161 or 0x162 or 0x163 => "WMA",
        0xFF => "AAC",
        _ => "unknown",
    };

    private static string ChunkName(ReadOnlySpan<byte> id)
    {
        Span<char> chars = stackalloc char[4];
        for (var i = 0; i < 4; i++)
        {
            chars[i] = id[i] is >= 0x20 and < 0x7F ? (char)id[i] : '?';
        }
        return new string(chars);
    }

    private static InvalidDataException Fail(string sourceName, string problem) => new($"{sourceName}: {problem}");
}
