using System.Buffers.Binary;
using Qwen3Tts.Inference.Audio;
using static Qwen3Tts.Tests.Audio.WavFixtures;

namespace Qwen3Tts.Tests.Audio;

/// <summary><see cref="WavReader.Decode"/> and <see cref="WavReader.Load"/>: format details, limits and the rarer layouts.</summary>
public sealed class WavAudioLoadTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("qwen3-wav-load-").FullName;

    [Fact]
    public void TheFormatIsReportedWithTheMonoSamples()
    {
        var audio = WavReader.Decode(Riff(Fmt(1, 2, 44100, 16), Chunk("data", Int16s(16384, -16384, 8192, 8192))), "x.wav");

        Assert.Equal([0f, 0.25f], audio.Samples);
        Assert.Equal((44100, 2, 16, WavSampleEncoding.Pcm), (audio.SampleRate, audio.Channels, audio.BitsPerSample, audio.Encoding));
        Assert.Equal("16-bit PCM, 2 channels, 44100 Hz", audio.Describe());
        Assert.Equal(2 / 44100.0, audio.DurationSeconds, 12);
    }

    [Fact]
    public void ExtensibleFloat32AndPcm32AreRead()
    {
        var f32 = new byte[8];
        BinaryPrimitives.WriteSingleLittleEndian(f32, 0.5f);
        BinaryPrimitives.WriteSingleLittleEndian(f32.AsSpan(4), -0.25f);
        var floats = WavReader.Decode(Riff(FmtExtensible(3, 1, 96000, 32), Chunk("data", f32)), "f.wav");
        Assert.Equal([0.5f, -0.25f], floats.Samples);
        Assert.Equal(WavSampleEncoding.Float, floats.Encoding);

        // 24 valid bits in a 32-bit container are left-justified, so they read as 32-bit PCM.
        var pcm = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(pcm, 0x40000000);
        Assert.Equal([0.5f], WavReader.Decode(Riff(FmtExtensible(1, 1, 48000, 32), Chunk("data", pcm)), "p.wav").Samples);
    }

    [Fact]
    public void AnExtensibleSubFormatThatIsNotPcmOrFloatIsRefused()
    {
        var fmt = FmtExtensible(1, 1, 48000, 16);
        fmt[8 + 30] ^= 0xFF; // damage the GUID after the tag

        var error = Assert.Throws<InvalidDataException>(() => WavReader.Decode(Riff(fmt, Chunk("data", Int16s(1))), "g.wav"));

        Assert.Equal("g.wav: WAVE_FORMAT_EXTENSIBLE with a sub-format that is not a standard PCM/float GUID", error.Message);
    }

    [Fact]
    public void ADurationLimitIsCheckedFromTheHeader()
    {
        var twoSeconds = Riff(Fmt(1, 1, 8000, 16), Chunk("data", new byte[2 * 8000 * 2]));

        var error = Assert.Throws<InvalidDataException>(() => WavReader.Decode(twoSeconds, "long.wav", maxSeconds: 1.5));

        Assert.Equal("long.wav: is 2.0 s long; at most 1.5 s are accepted", error.Message);
        Assert.Equal(16000, WavReader.Decode(twoSeconds, "long.wav", maxSeconds: 2).Samples.Length);
    }

    [Fact]
    public void Rf64AndMissingFilesAreNamed()
    {
        var rf64 = Riff(Fmt(1, 1, 8000, 16), Chunk("data", Int16s(1)));
        "RF64"u8.CopyTo(rf64);
        Assert.Contains("RF64 (64-bit) WAV files are not read", Assert.Throws<InvalidDataException>(() => WavReader.Decode(rf64, "r.wav")).Message);

        var missing = Path.Combine(_dir, "none.wav");
        Assert.Contains(missing, Assert.Throws<FileNotFoundException>(() => WavReader.Load(missing)).Message);
    }

    [Fact]
    public void LoadReadsAFile()
    {
        var path = Path.Combine(_dir, "a.wav");
        File.WriteAllBytes(path, Riff(Fmt(1, 1, 16000, 8), Chunk("data", [128, 255])));

        var audio = WavReader.Load(path);

        Assert.Equal([0f, 127 / 128f], audio.Samples);
        Assert.Equal(8, audio.BitsPerSample);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
