using System.Buffers.Binary;
using Qwen3Tts.Inference.Audio;
using static Qwen3Tts.Tests.Audio.WavFixtures;

namespace Qwen3Tts.Tests.Audio;

public class WavReaderTests
{
    private static (float[] Samples, int SampleRate) Parse(byte[] file) => WavReader.Parse(file, "test.wav");

    private static string ErrorOf(byte[] file) => Assert.Throws<InvalidDataException>(() => Parse(file)).Message;

    [Fact]
    public void ReadsPcm16Mono()
    {
        var (samples, rate) = Parse(Riff(Fmt(1, 1, 16000, 16), Chunk("data", Int16s(0, 16384, -32768, 32767))));
        Assert.Equal(16000, rate);
        Assert.Equal([0f, 0.5f, -1f, 32767f / 32768], samples);
    }

    [Fact]
    public void DownmixesStereo24BitByAveraging()
    {
        // Frames: (L=+0.5, R=-0.5), (L=+0.5, R=+0.25) in 24-bit little-endian.
        byte[] data = [0x00, 0x00, 0x40, 0x00, 0x00, 0xC0, 0x00, 0x00, 0x40, 0x00, 0x00, 0x20];
        var (samples, rate) = Parse(Riff(Fmt(1, 2, 48000, 24), Chunk("data", data)));
        Assert.Equal(48000, rate);
        Assert.Equal([0f, 0.375f], samples);
    }

    [Fact]
    public void ReadsPcm32AndPcm8()
    {
        var pcm32 = new byte[8];
        BinaryPrimitives.WriteInt32LittleEndian(pcm32, int.MinValue);
        BinaryPrimitives.WriteInt32LittleEndian(pcm32.AsSpan(4), 1 << 30);
        Assert.Equal([-1f, 0.5f], Parse(Riff(Fmt(1, 1, 8000, 32), Chunk("data", pcm32))).Samples);

        Assert.Equal([-1f, 0f, 0.5f], Parse(Riff(Fmt(1, 1, 8000, 8), Chunk("data", [0, 128, 192]))).Samples);
    }

    [Fact]
    public void ReadsFloat32AndFloat64()
    {
        var f32 = new byte[8];
        BinaryPrimitives.WriteSingleLittleEndian(f32, 0.125f);
        BinaryPrimitives.WriteSingleLittleEndian(f32.AsSpan(4), -2f);
        Assert.Equal([0.125f, -2f], Parse(Riff(Fmt(3, 1, 24000, 32), Chunk("data", f32))).Samples);

        var f64 = new byte[8];
        BinaryPrimitives.WriteDoubleLittleEndian(f64, 0.75);
        Assert.Equal([0.75f], Parse(Riff(Fmt(3, 1, 24000, 64), Chunk("data", f64))).Samples);
    }

    [Fact]
    public void ReadsWaveFormatExtensible()
    {
        var (samples, rate) = Parse(Riff(FmtExtensible(1, 2, 44100, 16), Chunk("data", Int16s(16384, 0))));
        Assert.Equal(44100, rate);
        Assert.Equal([0.25f], samples);
    }

    [Fact]
    public void SkipsOtherChunksIncludingOddSizedOnes()
    {
        var file = Riff(Chunk("LIST", [1, 2, 3]), Fmt(1, 1, 24000, 16), Chunk("junk", [9]), Chunk("data", Int16s(-16384)));
        Assert.Equal([-0.5f], Parse(file).Samples);
    }

    [Fact]
    public void StreamedDataSizeMeansToTheEndOfTheFile()
    {
        var file = Riff(Fmt(1, 1, 24000, 16), DataWithDeclaredSize(0xFFFF_FFFF, Int16s(8192, 8192, 8192)));
        Assert.Equal(3, Parse(file).Samples.Length);
    }

    [Fact]
    public void RoundTripsThroughTheWriter()
    {
        var samples = new[] { 0f, 0.1f, -0.7f, 0.999f, -1f };
        foreach (var format in new[] { AudioFormat.WavPcm16, AudioFormat.WavFloat32 })
        {
            var stream = new MemoryStream();
            using (var writer = new WavWriter(stream, 12000, 1, format, leaveOpen: true))
            {
                writer.WriteSamples(samples);
            }
            var (read, rate) = WavReader.Read(new MemoryStream(stream.ToArray()));
            Assert.Equal(12000, rate);
            Assert.Equal(samples.Length, read.Length);
            for (var i = 0; i < samples.Length; i++)
            {
                Assert.Equal(samples[i], read[i], format == AudioFormat.WavFloat32 ? 0f : 1.5f / 32768);
            }
        }
    }

    [Fact]
    public void NotRiff() => Assert.Equal("test.wav: not a RIFF/WAVE file", ErrorOf("ID3\u0003 this is an mp3"u8.ToArray()));

    [Fact]
    public void RiffButNotWave()
    {
        var file = Riff(Fmt(1, 1, 24000, 16));
        "AVI "u8.CopyTo(file.AsSpan(8));
        Assert.Equal("test.wav: not a RIFF/WAVE file", ErrorOf(file));
    }

    [Fact]
    public void TooShortToBeWav() => Assert.Equal("test.wav: not a RIFF/WAVE file", ErrorOf("RIFF"u8.ToArray()));

    [Fact]
    public void UnsupportedFormatTagIsNamed() =>
        Assert.Equal("test.wav: unsupported WAV format tag 85 (MP3)", ErrorOf(Riff(Fmt(85, 1, 24000, 0, blockAlign: 0), Chunk("data", [1, 2]))));

    [Fact]
    public void UnsupportedBitDepth() =>
        Assert.Equal("test.wav: unsupported bit depth 12 for PCM samples", ErrorOf(Riff(Fmt(1, 1, 24000, 12, blockAlign: 2), Chunk("data", [1, 2]))));

    [Fact]
    public void TruncatedDataChunk() =>
        Assert.Equal("test.wav: data chunk truncated: header says 1000 bytes, file has 4",
            ErrorOf(Riff(Fmt(1, 1, 24000, 16), DataWithDeclaredSize(1000, Int16s(1, 2)))));

    [Fact]
    public void TruncatedOtherChunk() =>
        Assert.Equal("test.wav: 'LIST' chunk truncated: header says 100 bytes, file has 2",
            ErrorOf(Riff(Fmt(1, 1, 24000, 16), [.. "LIST"u8, 100, 0, 0, 0, 1, 2])));

    [Fact]
    public void MissingDataChunk() => Assert.Equal("test.wav: no data chunk", ErrorOf(Riff(Fmt(1, 1, 24000, 16))));

    [Fact]
    public void MissingEverything() => Assert.Equal("test.wav: no fmt chunk and no data chunk", ErrorOf(Riff(Chunk("LIST", [1, 2]))));

    [Fact]
    public void DataBeforeFmt() =>
        Assert.Equal("test.wav: data chunk comes before any fmt chunk", ErrorOf(Riff(Chunk("data", Int16s(1)), Fmt(1, 1, 24000, 16))));

    [Fact]
    public void FmtTooShort() =>
        Assert.Equal("test.wav: fmt chunk is 14 bytes, expected at least 16", ErrorOf(Riff(Chunk("fmt ", new byte[14]), Chunk("data", Int16s(1)))));

    [Fact]
    public void ExtensibleTooShort() =>
        Assert.Equal("test.wav: WAVE_FORMAT_EXTENSIBLE fmt chunk is 16 bytes, expected 40", ErrorOf(Riff(Fmt(0xFFFE, 1, 24000, 16), Chunk("data", Int16s(1)))));

    [Fact]
    public void ZeroChannels() =>
        Assert.Equal("test.wav: channel count is 0", ErrorOf(Riff(Fmt(1, 0, 24000, 16, blockAlign: 2), Chunk("data", Int16s(1)))));

    [Fact]
    public void ZeroSampleRate() =>
        Assert.Equal("test.wav: invalid sample rate 0", ErrorOf(Riff(Fmt(1, 1, 0, 16), Chunk("data", Int16s(1)))));

    [Fact]
    public void BlockAlignMismatch() =>
        Assert.Equal("test.wav: block align 3 does not match 1 channel(s) of 16 bits", ErrorOf(Riff(Fmt(1, 1, 24000, 16, blockAlign: 3), Chunk("data", Int16s(1)))));

    [Fact]
    public void PartialFrame() =>
        Assert.Equal("test.wav: data chunk of 6 bytes is not a whole number of 4-byte frames", ErrorOf(Riff(Fmt(1, 2, 24000, 16), Chunk("data", Int16s(1, 2, 3)))));

    [Fact]
    public void FileErrorsNameThePath()
    {
        var path = Path.Combine(Path.GetTempPath(), $"bad-{Guid.NewGuid():N}.wav");
        File.WriteAllBytes(path, "not audio at all"u8.ToArray());
        try
        {
            Assert.Equal($"{path}: not a RIFF/WAVE file", Assert.Throws<InvalidDataException>(() => WavReader.Read(path)).Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
