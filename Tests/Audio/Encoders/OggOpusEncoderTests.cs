using System.Buffers.Binary;
using System.Text;
using Concentus;
using Qwen3Tts.Inference.Audio.Encoders;

namespace Qwen3Tts.Tests.Audio.Encoders;

public sealed class OggOpusEncoderTests
{
    // Not a multiple of the 480-sample packet, so the last packet is padded and the end trim matters.
    private const int Length = 24_000 + 1_234;

    private static async Task<byte[]> EncodeAsync(float[] samples, bool streaming, int chunk)
    {
        using var output = new MemoryStream();
        await using (var encoder = AudioEncoders.Create(SpeechFormat.Opus, output, new AudioEncoderOptions { Streaming = streaming }))
        {
            for (var offset = 0; offset < samples.Length; offset += chunk)
            {
                await encoder.WriteAsync(samples.AsMemory(offset, Math.Min(chunk, samples.Length - offset)), CancellationToken.None);
            }
            await encoder.CompleteAsync(CancellationToken.None);
        }
        return output.ToArray();
    }

    private static float[] DecodeWithConcentus(IEnumerable<byte[]> audioPackets)
    {
        var decoder = OpusCodecFactory.CreateDecoder(24_000, 1);
        var decoded = new List<float>();
        var buffer = new float[5760];
        foreach (var packet in audioPackets)
        {
            var n = decoder.Decode(packet, buffer, buffer.Length, false);
            decoded.AddRange(buffer.AsSpan(0, n).ToArray());
        }
        return [.. decoded];
    }

    [Fact]
    public async Task PagesCarryTheHeadersGranulesAndEndTrimOfRfc7845()
    {
        var bytes = await EncodeAsync(TestSignals.Chirp(Length), streaming: false, chunk: 5_000);
        var pages = OggTestReader.Read(bytes);

        Assert.Equal(0x02, pages[0].Flags);                       // BOS
        var head = Assert.Single(pages[0].Packets);
        Assert.Equal("OpusHead", Encoding.ASCII.GetString(head, 0, 8));
        Assert.Equal(1, head[8]);                                 // version
        Assert.Equal(1, head[9]);                                 // mono
        var preSkip = BinaryPrimitives.ReadUInt16LittleEndian(head.AsSpan(10));
        Assert.Equal(24_000u, BinaryPrimitives.ReadUInt32LittleEndian(head.AsSpan(12)));
        Assert.Equal(0, head[18]);                                // mapping family 0
        Assert.InRange(preSkip, 1, 960);
        Assert.Equal(0, pages[0].Granule);

        var tags = Assert.Single(pages[1].Packets);
        Assert.Equal("OpusTags", Encoding.ASCII.GetString(tags, 0, 8));
        Assert.Equal(0, pages[1].Granule);

        var audio = pages.Skip(2).ToList();
        Assert.All(audio.SkipLast(1), page => Assert.Equal(0, page.Flags));
        Assert.Equal(0x04, audio[^1].Flags);                      // EOS on the last page only
        // Every packet is 20 ms = 960 samples at 48 kHz; each page's granule counts the packets completed so far.
        var packets = 0L;
        foreach (var page in audio.SkipLast(1))
        {
            packets += page.Packets.Count;
            Assert.Equal(packets * 960, page.Granule);
        }
        packets += audio[^1].Packets.Count;
        Assert.Equal(preSkip + 2L * Length, audio[^1].Granule);   // the end trim: exactly the samples written
        Assert.True(packets * 960 >= audio[^1].Granule, "the packets must cover the final granule position");
    }

    [Fact]
    public async Task ConcentusDecodesItBackAlignedByThePreSkip()
    {
        var input = TestSignals.Chirp(Length);
        var bytes = await EncodeAsync(input, streaming: false, chunk: Length);
        var pages = OggTestReader.Read(bytes);
        var preSkip48 = BinaryPrimitives.ReadUInt16LittleEndian(pages[0].Packets[0].AsSpan(10));

        var decoded = DecodeWithConcentus(pages.Skip(2).SelectMany(p => p.Packets));
        var trimmed = decoded.AsSpan(preSkip48 / 2).ToArray();

        Assert.True(trimmed.Length >= Length, $"{trimmed.Length} samples decoded after the pre-skip, {Length} written");
        var (lag, correlation) = TestSignals.BestLag(input, trimmed, -40, 40);
        Assert.Equal(0, lag);
        Assert.True(correlation > 0.9, $"correlation {correlation:F3}");
    }

    [Fact]
    public async Task StreamingEndsAPageAtEveryWriteWithTheSamePacketsAndSameBytesEachTime()
    {
        var input = TestSignals.Chirp(Length);
        var whole = OggTestReader.Read(await EncodeAsync(input, streaming: false, chunk: Length));
        var streamedBytes = await EncodeAsync(input, streaming: true, chunk: 2_400);
        var streamed = OggTestReader.Read(streamedBytes);

        Assert.True(streamed.Count > whole.Count, $"{streamed.Count} pages streamed, {whole.Count} complete");
        Assert.Equal(whole.SelectMany(p => p.Packets), streamed.SelectMany(p => p.Packets));
        Assert.Equal(whole[^1].Granule, streamed[^1].Granule);
        Assert.Equal(streamedBytes, await EncodeAsync(input, streaming: true, chunk: 2_400));
    }

    [Fact]
    public async Task AnEmptyUtteranceIsStillAValidStream()
    {
        var pages = OggTestReader.Read(await EncodeAsync([], streaming: false, chunk: 1));

        Assert.Equal(0x04, pages[^1].Flags);
        Assert.Equal(BinaryPrimitives.ReadUInt16LittleEndian(pages[0].Packets[0].AsSpan(10)), pages[^1].Granule);
    }

    [FfmpegFact]
    public async Task FfmpegDecodesExactlyTheSamplesWritten()
    {
        var input = TestSignals.Chirp(Length);
        var bytes = await EncodeAsync(input, streaming: true, chunk: 7_000);

        var (codec, _) = FfmpegTool.Probe(bytes);
        var decoded = TestSignals.ToFloat(FfmpegTool.DecodeToPcm(bytes));

        Assert.Equal("opus", codec);
        Assert.InRange(decoded.Length, Length - 2, Length + 2);   // ffmpeg honours the pre-skip and the end trim
        var (lag, correlation) = TestSignals.BestLag(input, decoded, -40, 40);
        Assert.InRange(lag, -2, 2);
        Assert.True(correlation > 0.9, $"correlation {correlation:F3}");
    }
}
