using System.Buffers.Binary;
using System.Net;
using Qwen3Tts.Inference.Audio;

namespace Qwen3Tts.Tests.Gateway;

/// <summary>POST /v1/audio/speech through a real Kestrel server and a real silo: formats, streaming, determinism, voices.</summary>
[Collection(GatewayCollection.Name)]
public sealed class GatewaySpeechTests(GatewayFixture fixture)
{
    private const string Text = "Hello from the gateway.";
    private const string LongText = "The gateway streams audio while the rest of this longer sentence is still being generated, chunk after chunk.";

    [Fact]
    public async Task WavIsACompleteWaveFileWithContentLength()
    {
        using var response = await SpeechRequests.PostAsync(fixture.Http, new { model = "qwen3-tts", input = Text, voice = "default", seed = 7 });
        var wav = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("audio/wav", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(wav.Length, response.Content.Headers.ContentLength);
        var (samples, rate) = WavReader.Parse(wav, "response");
        Assert.Equal(24000, rate);
        Assert.NotEmpty(samples);
        Assert.Equal((uint)(wav.Length - 44), BinaryPrimitives.ReadUInt32LittleEndian(wav.AsSpan(40)));
    }

    [Fact]
    public async Task TheSameSeedGivesIdenticalBytesAndAnotherSeedDoesNot()
    {
        var first = await WavAsync(new { model = "tts-1", input = Text, seed = 11 });
        var second = await WavAsync(new { model = "tts-1-hd", input = Text, seed = 11 });
        var other = await WavAsync(new { model = "gpt-4o-mini-tts", input = Text, seed = 12 });

        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public async Task PcmIsTheWavDataWithoutAHeader()
    {
        var wav = await WavAsync(new { model = "qwen3-tts", input = Text, seed = 3 });
        using var response = await SpeechRequests.PostAsync(fixture.Http, new { model = "qwen3-tts", input = Text, seed = 3, response_format = "pcm" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("audio/pcm", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(SpeechRequests.PcmOf(wav), await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task StreamedWavArrivesInChunksWithAnUnknownSizeHeaderAndTheSameAudio()
    {
        var buffered = await WavAsync(new { model = "qwen3-tts", input = LongText, seed = 5 });

        using var response = await SpeechRequests.PostAsync(fixture.Http,
            new { model = "qwen3-tts", input = LongText, seed = 5, stream_format = "audio" }, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("audio/wav", response.Content.Headers.ContentType?.MediaType);
        Assert.Null(response.Content.Headers.ContentLength);
        Assert.True(response.Headers.TransferEncodingChunked);
        var (streamed, reads) = await ReadAllAsync(response);

        Assert.Equal(0xFFFFFFFFu, BinaryPrimitives.ReadUInt32LittleEndian(streamed.AsSpan(4)));
        Assert.Equal(0xFFFFFFFFu, BinaryPrimitives.ReadUInt32LittleEndian(streamed.AsSpan(40)));
        Assert.Equal(SpeechRequests.PcmOf(buffered), SpeechRequests.PcmOf(streamed));
        Assert.True(reads > 1, $"the audio came in {reads} read(s)");
        Assert.Equal(24000, WavReader.Parse(streamed, "stream").SampleRate);
    }

    [Fact]
    public async Task FlacDecodesToExactlyTheWavSamples()
    {
        var wav = await WavAsync(new { model = "qwen3-tts", input = Text, seed = 4 });
        using var response = await SpeechRequests.PostAsync(fixture.Http, new { model = "qwen3-tts", input = Text, seed = 4, response_format = "flac" });
        var flac = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("audio/flac", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(flac.Length, response.Content.Headers.ContentLength);
        var decoded = Audio.FlacTestDecoder.Decode(flac);
        Assert.Equal(24000, decoded.Info.SampleRate);
        Assert.Equal(SpeechRequests.PcmOf(wav), System.Runtime.InteropServices.MemoryMarshal.AsBytes(decoded.Samples.AsSpan()).ToArray());
    }

    [Theory]
    [InlineData(2.0)]
    [InlineData(0.5)]
    public async Task SpeedChangesTheDurationByItsFactorBufferedAndStreamed(double speed)
    {
        var normal = SpeechRequests.PcmOf(await WavAsync(new { model = "qwen3-tts", input = LongText, seed = 6 }));
        var faster = SpeechRequests.PcmOf(await WavAsync(new { model = "qwen3-tts", input = LongText, seed = 6, speed }));
        using var response = await SpeechRequests.PostAsync(fixture.Http,
            new { model = "qwen3-tts", input = LongText, seed = 6, speed, response_format = "pcm", stream_format = "audio" }, HttpCompletionOption.ResponseHeadersRead);
        var streamed = (await ReadAllAsync(response)).Bytes;

        var samples = normal.Length / 2;
        Assert.Equal((long)Math.Round(samples / speed), faster.Length / 2);
        Assert.Equal(faster, streamed);
    }

    [Fact]
    public async Task StreamedPcmEqualsBufferedPcm()
    {
        using var buffered = await SpeechRequests.PostAsync(fixture.Http, new { model = "qwen3-tts", input = Text, seed = 9, response_format = "pcm" });
        using var response = await SpeechRequests.PostAsync(fixture.Http,
            new { model = "qwen3-tts", input = Text, seed = 9, response_format = "pcm", stream_format = "audio" }, HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal("audio/pcm", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(await buffered.Content.ReadAsByteArrayAsync(), (await ReadAllAsync(response)).Bytes);
    }

    [Fact]
    public async Task SseStreamsDeltaEventsCarryingTheSameAudioThenADoneEvent()
    {
        using var buffered = await SpeechRequests.PostAsync(fixture.Http, new { model = "gpt-4o-mini-tts", input = Text, seed = 8, response_format = "pcm" });
        using var response = await SpeechRequests.PostAsync(fixture.Http,
            new { model = "gpt-4o-mini-tts", input = Text, seed = 8, response_format = "pcm", stream_format = "sse" }, HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n');
        var events = lines.Where(l => l.StartsWith("data: ", StringComparison.Ordinal))
            .Select(l => System.Text.Json.JsonDocument.Parse(l["data: ".Length..]).RootElement).ToList();
        Assert.All(lines, l => Assert.True(l.Length == 0 || l.StartsWith("data: ", StringComparison.Ordinal), l));
        Assert.True(events.Count > 2);
        Assert.Equal("speech.audio.done", events[^1].GetProperty("type").GetString());
        Assert.All(events[..^1], e => Assert.Equal("speech.audio.delta", e.GetProperty("type").GetString()));
        var audio = events[..^1].SelectMany(e => Convert.FromBase64String(e.GetProperty("audio").GetString()!)).ToArray();
        Assert.Equal(await buffered.Content.ReadAsByteArrayAsync(), audio);
        // The first event carries the first frame alone: 1920 samples of 16-bit PCM.
        Assert.Equal(1920 * 2, Convert.FromBase64String(events[0].GetProperty("audio").GetString()!).Length);
    }

    [Fact]
    public async Task ALibraryVoiceAndALanguageChangeTheAudio()
    {
        var plain = await WavAsync(new { model = "qwen3-tts", input = Text, seed = 4 });
        var cloned = await WavAsync(new { model = "qwen3-tts", input = Text, seed = 4, voice = GatewayFixture.VoiceName });
        var english = await WavAsync(new { model = "qwen3-tts", input = Text, seed = 4, language = "en" });

        Assert.NotEqual(plain, cloned);
        Assert.NotEqual(plain, english);
        Assert.Equal(english, await WavAsync(new { model = "qwen3-tts", input = Text, seed = 4, language = "English" }));
    }

    [Fact]
    public async Task ASeedSentAsAStringIsTheSameSeed()
    {
        Assert.Equal(await WavAsync(new { model = "qwen3-tts", input = Text, seed = 21 }), await WavAsync(new { model = "qwen3-tts", input = Text, seed = "21" }));
    }

    [Fact]
    public async Task AClientThatHangsUpLeavesTheServerServing()
    {
        using (var cancel = new CancellationTokenSource())
        {
            using var response = await fixture.Http.SendAsync(
                new HttpRequestMessage(HttpMethod.Post, "/v1/audio/speech") { Content = SpeechRequests.Json(new { model = "qwen3-tts", input = LongText, stream_format = "audio" }) },
                HttpCompletionOption.ResponseHeadersRead, cancel.Token);
            await using var body = await response.Content.ReadAsStreamAsync(cancel.Token);
            await body.ReadExactlyAsync(new byte[44], cancel.Token);
            await cancel.CancelAsync();
        }

        Assert.NotEmpty(await WavAsync(new { model = "qwen3-tts", input = Text, seed = 1 }));
    }

    private async Task<byte[]> WavAsync(object body)
    {
        using var response = await SpeechRequests.PostAsync(fixture.Http, body);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, System.Text.Encoding.UTF8.GetString(bytes));
        return bytes;
    }

    private static async Task<(byte[] Bytes, int Reads)> ReadAllAsync(HttpResponseMessage response)
    {
        await using var body = await response.Content.ReadAsStreamAsync();
        using var all = new MemoryStream();
        var buffer = new byte[256 * 1024];
        var reads = 0;
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            all.Write(buffer, 0, read);
            reads++;
        }
        return (all.ToArray(), reads);
    }
}
