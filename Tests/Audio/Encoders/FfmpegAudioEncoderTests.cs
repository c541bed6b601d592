using Qwen3Tts.Inference.Audio.Encoders;

namespace Qwen3Tts.Tests.Audio.Encoders;

public sealed class FfmpegAudioEncoderTests
{
    private const int Length = 36_000;

    // Without a LAME header (mp3) or an edit list (ADTS), decoders keep the encoder delay and padding: a few frames at most.
    [FfmpegTheory]
    [InlineData(SpeechFormat.Mp3, "mp3", 3 * 1152)]
    [InlineData(SpeechFormat.Aac, "aac", 3 * 1024)]
    public async Task FfmpegDecodesItBackAsTheSameSignal(SpeechFormat format, string codec, int slack)
    {
        var input = TestSignals.Chirp(Length);
        var bytes = await AudioEncoders.EncodeAsync(format, input, null, CancellationToken.None);

        // A frame sync first: no ID3 tag or Xing frame before mp3, the ADTS sync word (layer 0) before aac.
        Assert.Equal((byte)0xFF, bytes[0]);
        Assert.Equal(format == SpeechFormat.Mp3 ? 0xE0 : 0xF0, bytes[1] & (format == SpeechFormat.Mp3 ? 0xE0 : 0xF6));
        Assert.Equal((codec, 24_000), FfmpegTool.Probe(bytes));
        var decoded = TestSignals.ToFloat(FfmpegTool.DecodeToPcm(bytes, codec));
        Assert.InRange(decoded.Length, Length, Length + slack);
        var (_, correlation) = TestSignals.BestLag(input, decoded, 0, 3_000);
        Assert.True(correlation > 0.8, $"correlation {correlation:F3}");
    }

    [FfmpegFact]
    public async Task AStreamingEncoderSendsAudioBeforeItIsComplete()
    {
        var input = TestSignals.Chirp(Length);
        using var output = new MemoryStream();
        await using var encoder = AudioEncoders.Create(SpeechFormat.Mp3, output, new AudioEncoderOptions { Streaming = true });
        for (var i = 0; i < 4; i++)
        {
            await encoder.WriteAsync(input, CancellationToken.None);
        }
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (output.Length == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.True(output.Length > 0, "nothing arrived before CompleteAsync");
        await encoder.CompleteAsync(CancellationToken.None);
    }

    [FfmpegFact]
    public async Task FlacStreamedWithUnknownTotalsIsLosslessForFfmpeg()
    {
        var input = TestSignals.Chirp(10_000);
        using var output = new MemoryStream();
        await using (var encoder = AudioEncoders.Create(SpeechFormat.Flac, output, new AudioEncoderOptions { Streaming = true }))
        {
            for (var offset = 0; offset < input.Length; offset += 3_000)
            {
                await encoder.WriteAsync(input.AsMemory(offset, Math.Min(3_000, input.Length - offset)), CancellationToken.None);
            }
            await encoder.CompleteAsync(CancellationToken.None);
        }

        var expected = new short[input.Length];
        Qwen3Tts.Inference.Audio.PcmConversion.FloatToPcm16(input, expected);
        Assert.Equal(expected, FfmpegTool.DecodeToPcm(output.ToArray(), "flac"));
    }

    [Fact]
    public void WithoutFfmpegMp3AndAacAreRefusedWithWhatToInstallAndTheRestStillWork()
    {
        var missing = new FfmpegLocator("/nonexistent/ffmpeg");
        var options = new AudioEncoderOptions { Ffmpeg = missing };

        var why = missing.WhyUnavailable(SpeechFormat.Mp3);
        var refused = Assert.Throws<AudioEncoderUnavailableException>(() => AudioEncoders.Create(SpeechFormat.Aac, Stream.Null, options));

        Assert.NotNull(why);
        Assert.Contains("apt-get install ffmpeg", why);
        Assert.Contains("/nonexistent/ffmpeg", why);
        Assert.Contains("libmp3lame", why);
        Assert.Contains(FfmpegLocator.PathVariable, refused.Message);
        Assert.All(SpeechFormats.All.Where(f => f.IsBuiltIn()), f => Assert.Null(missing.WhyUnavailable(f)));
    }

    [Fact]
    public void TheEncoderListingIsReadByName()
    {
        const string listing = """
            Encoders:
             V..... = Video
             ------
             V....D a64multi             Multicolor charset for Commodore 64 (codec a64_multi)
             A....D aac                  AAC (Advanced Audio Coding)
             A....D libmp3lame           libmp3lame MP3 (MPEG audio layer 3) (codec mp3)
            """;

        var names = FfmpegLocator.ParseEncoders(listing);

        Assert.Equal(["aac", "libmp3lame"], names.Order());
    }
}
