using System.Net;

namespace Qwen3Tts.Tests.Gateway;

/// <summary>A text over the fixture's chunk length through HTTP: several chunks, one response, reproducible, streamed the same.</summary>
[Collection(GatewayCollection.Name)]
public sealed class GatewayLongTextTests(GatewayFixture fixture)
{
    private static readonly string Text = string.Join(' ', Enumerable.Range(1, 9).Select(i => $"Sentence number {i} of a text long enough for several chunks."));

    private async Task<byte[]> PcmAsync(ulong seed, bool stream)
    {
        object body = stream
            ? new { model = "tts-1", input = Text, seed, response_format = "pcm", stream_format = "audio" }
            : new { model = "tts-1", input = Text, seed, response_format = "pcm" };
        using var response = await SpeechRequests.PostAsync(fixture.Http, body, HttpCompletionOption.ResponseHeadersRead);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, System.Text.Encoding.UTF8.GetString(bytes));
        return bytes;
    }

    [Fact]
    public async Task ALongTextIsOneReproducibleResponseWithAPauseAtEverySeam()
    {
        Assert.True(Text.Length > 3 * GatewayFixture.MaxChunkCharacters);
        var first = await PcmAsync(seed: 41, stream: false);
        var streamed = await PcmAsync(seed: 41, stream: true);

        Assert.Equal(first, streamed);
        var chunks = Inference.Pipeline.SynthesisLoop.PlanChunks(Text, "auto", 8192,
            new Inference.Pipeline.LongTextOptions { MaxChunkCharacters = GatewayFixture.MaxChunkCharacters });
        Assert.InRange(chunks.Count, 4, 9);
        Assert.Equal(chunks.Count - 1, SilentRuns(first, minSamples: 4_000));
    }

    // Runs of exact zero samples (16-bit little-endian): the pauses between chunks.
    private static int SilentRuns(byte[] pcm, int minSamples)
    {
        int runs = 0, length = 0;
        for (var i = 0; i + 1 < pcm.Length; i += 2)
        {
            if (pcm[i] == 0 && pcm[i + 1] == 0)
            {
                length++;
                continue;
            }
            runs += length >= minSamples ? 1 : 0;
            length = 0;
        }
        return runs + (length >= minSamples ? 1 : 0);
    }
}
