using System.Globalization;
using System.Net;
using Concentus;
using Qwen3Tts.Inference.Audio;
using Qwen3Tts.Inference.Audio.Encoders;
using Qwen3Tts.Tests.Audio.Encoders;

namespace Qwen3Tts.Tests.Gateway;

/// <summary>Every response_format, complete and streamed, decoded back and compared with the PCM of the same seed.</summary>
[Collection(GatewayCollection.Name)]
public sealed class GatewayFormatTests(GatewayFixture fixture)
{
    private const string Text = "Every format carries the same words.";
    private const int Seed = 31;

    /// <summary>The body, and the response whose headers were read before the body (so Content-Length is the server's).</summary>
    private async Task<(byte[] Body, HttpResponseMessage Response)> PostAsync(string format, bool stream)
    {
        object body = stream
            ? new { model = "tts-1", input = Text, seed = Seed, response_format = format, stream_format = "audio" }
            : new { model = "tts-1", input = Text, seed = Seed, response_format = format };
        var response = await SpeechRequests.PostAsync(fixture.Http, body, HttpCompletionOption.ResponseHeadersRead);
        if (stream)
        {
            Assert.True(response.Headers.TransferEncodingChunked);
            Assert.Null(response.Content.Headers.ContentLength);
        }
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, System.Text.Encoding.UTF8.GetString(bytes));
        return (bytes, response);
    }

    private async Task<short[]> ReferencePcmAsync()
    {
        var (pcm, response) = await PostAsync("pcm", stream: false);
        response.Dispose();
        var samples = new short[pcm.Length / 2];
        Buffer.BlockCopy(pcm, 0, samples, 0, pcm.Length);
        return samples;
    }

    [Theory]
    [InlineData("wav", "audio/wav")]
    [InlineData("pcm", "audio/pcm")]
    [InlineData("flac", "audio/flac")]
    [InlineData("opus", "audio/opus")]
    public async Task CompleteResponsesHaveOpenAisContentTypeALengthAndTheDuration(string format, string contentType)
    {
        var reference = await ReferencePcmAsync();
        var (body, response) = await PostAsync(format, stream: false);
        using (response)
        {
            Assert.Equal(contentType, response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(body.Length, response.Content.Headers.ContentLength);
            var duration = double.Parse(response.Headers.GetValues(Qwen3Tts.Gateway.AudioResponseWriter.DurationHeader).Single(), CultureInfo.InvariantCulture);
            Assert.Equal(reference.Length / 24000.0, duration, 3);
        }
        AssertDecodesTo(reference, format, body);
    }

    [Theory]
    [InlineData("wav")]
    [InlineData("pcm")]
    [InlineData("flac")]
    [InlineData("opus")]
    public async Task StreamedResponsesAreChunkedAndDecodeToTheSameAudio(string format)
    {
        var reference = await ReferencePcmAsync();
        var (body, response) = await PostAsync(format, stream: true);
        response.Dispose();
        if (format == "flac")
        {
            // Streamed FLAC leaves totals and MD5 "unknown": checked by ffmpeg below; here its marker and first frame sync.
            Assert.Equal("fLaC"u8.ToArray(), body[..4]);
            Assert.Equal(0, body[26] | body[27] | body[28] | body[29]);   // total samples: unknown
            Assert.Equal(0xFF, body[42]);
            return;
        }
        AssertDecodesTo(reference, format, body);
    }

    [FfmpegFact]
    public async Task FfmpegDecodesEveryFormatCompleteAndStreamedToTheSameLength()
    {
        var reference = await ReferencePcmAsync();
        foreach (var format in SpeechFormats.All)
        {
            foreach (var stream in new[] { false, true })
            {
                var (body, response) = await PostAsync(format.Name(), stream);
                response.Dispose();
                var decoded = FfmpegTool.DecodeToPcm(body, format switch
                {
                    SpeechFormat.Pcm => "s16le",
                    SpeechFormat.Opus => "ogg",
                    SpeechFormat.Aac => "aac",
                    _ => format.Name(),
                });
                var slack = format is SpeechFormat.Mp3 or SpeechFormat.Aac ? 3 * 1152 : 2;
                Assert.True(decoded.Length >= reference.Length - 2 && decoded.Length <= reference.Length + slack,
                    $"{format.Name()} (streamed: {stream}): {decoded.Length} samples decoded, {reference.Length} synthesized");
                if (format is SpeechFormat.Wav or SpeechFormat.Pcm or SpeechFormat.Flac)
                {
                    Assert.Equal(reference, decoded);
                }
            }
        }
    }

    private static short[] DecodeBuiltIn(string format, byte[] body)
    {
        switch (format)
        {
            case "wav":
                var (samples, rate) = WavReader.Parse(body, "response");
                Assert.Equal(24000, rate);
                return [.. samples.Select(s => (short)Math.Round(s * 32768f))];
            case "pcm":
                var pcm = new short[body.Length / 2];
                Buffer.BlockCopy(body, 0, pcm, 0, body.Length);
                return pcm;
            case "flac":
                return Audio.FlacTestDecoder.Decode(body).Samples;
            case "opus":
                var pages = OggTestReader.Read(body);
                var preSkip = System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(pages[0].Packets[0].AsSpan(10));
                var end = pages[^1].Granule;
                var decoder = OpusCodecFactory.CreateDecoder(24000, 1);
                var decoded = new List<short>();
                var buffer = new short[5760];
                foreach (var packet in pages.Skip(2).SelectMany(p => p.Packets))
                {
                    var n = decoder.Decode(packet, buffer, buffer.Length, false);
                    decoded.AddRange(buffer.AsSpan(0, n).ToArray());
                }
                return [.. decoded.Skip(preSkip / 2).Take((int)((end - preSkip) / 2))];
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, null);
        }
    }

    // Lossless formats give the samples back; Opus the same length to the sample (pre-skip and end trim) and clearly the same signal.
    private static void AssertDecodesTo(short[] reference, string format, byte[] body)
    {
        var decoded = DecodeBuiltIn(format, body);
        if (format != "opus")
        {
            Assert.Equal(reference, decoded);
            return;
        }
        Assert.Equal(reference.Length, decoded.Length);
        var correlation = TestSignals.Correlation(TestSignals.ToFloat(reference), TestSignals.ToFloat(decoded), 0);
        Assert.True(correlation > 0.5, $"correlation {correlation:F3}");
    }
}
