using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Qwen3Tts.Inference.Audio;
using Qwen3Tts.Tests.Cluster;
using Qwen3Tts.Tests.Gateway;
using Qwen3Tts.Tests.Pipeline;
using Xunit.Abstractions;

namespace Qwen3Tts.Tests.Reliability;

/// <summary>
/// Four boards as real processes (gateway, talker, predictor, vocoder). For each role, with two requests under way
/// (one streamed, one buffered): SIGKILL the board (both fail within 3 s, the buffered one with a 503 that names the
/// role and nothing internal), start it again (it rejoins and serves), SIGTERM it (both finish, byte for byte the
/// audio they get undisturbed, and the board exits cleanly), start it again (it serves).
/// </summary>
[Trait("Category", "Reliability")]
public sealed class FaultMatrixTests(TinyModelsFixture models, ITestOutputHelper output) : IClassFixture<TinyModelsFixture>, IDisposable
{
    /// <summary>The bound: a dead board surfaces to the requests it was serving within 3 s.</summary>
    private static readonly TimeSpan DetectionBound = TimeSpan.FromSeconds(3);

    private static readonly string Text = string.Concat(Enumerable.Repeat("The boards keep talking while one of them is pulled. ", 10));

    /// <summary>
    /// The buffered request's text, three times the streamed one's: the board is pulled when the streamed request's
    /// first audio arrives, and the buffered one (sent first) must still need that board then. With equal texts it had
    /// sometimes decoded its last frame already on a loaded machine, and got its complete audio (a 200) once the release
    /// of its finished stream gave up on the dead board.
    /// </summary>
    private static readonly string BufferedText = string.Concat(Enumerable.Repeat(Text, 3));

    private readonly string _dir = System.IO.Directory.CreateTempSubdirectory("qwen3-faults-").FullName;

    [ReliabilityFact]
    public async Task EveryRoleSurvivesKillAndStopMidRequestAndServesAfterItRejoins()
    {
        await using var cluster = await ProcessCluster.WriteAsync(models.Directory, _dir,
            [("gateway", ["gateway"]), ("talker", ["talker"]), ("predictor", ["predictor"]), ("vocoder", ["vocoder"])],
            """ "shutdown": { "drainTimeout": "00:00:40" } """);
        await cluster.StartAsync();
        using var http = new HttpClient { BaseAddress = await cluster.HttpAsync("gateway"), Timeout = TimeSpan.FromMinutes(3) };
        await ProcessCluster.WaitUntilReadyAsync(http, TimeSpan.FromSeconds(120));
        var streamedReference = await CompleteAsync(http, Body(1, stream: true));
        var bufferedReference = await CompleteAsync(http, Body(2, stream: false));

        foreach (var role in new[] { "talker", "predictor", "vocoder" })
        {
            // Killed mid-request.
            var (streamed, buffered) = await StartTwoAsync(http);
            var clock = Stopwatch.StartNew();
            cluster[role].Kill();
            var streamBroke = await StreamEndAsync(streamed);
            var afterStream = clock.Elapsed;
            using var refused = await buffered;
            var afterBuffered = clock.Elapsed;
            var error = await ErrorMessageAsync(refused);
            ReliabilityReport.Record(output, $"fault kill-9 {role}: streamed request broken after {afterStream.TotalSeconds:F2} s ({streamBroke}), buffered got {(int)refused.StatusCode} after {afterBuffered.TotalSeconds:F2} s: {error}");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Contains($"the {role} ", error);
            AssertNoInternals(error);
            Assert.NotNull(refused.Headers.RetryAfter);
            Assert.True(afterBuffered <= DetectionBound, $"the {role} board's death surfaced after {afterBuffered.TotalSeconds:F2} s");
            Assert.True(afterStream <= DetectionBound, $"the streamed request noticed the {role} board's death after {afterStream.TotalSeconds:F2} s");

            // Back, and serving.
            await RestartAsync(cluster, http, role);

            // Stopped mid-request: both finish, unchanged.
            (streamed, buffered) = await StartTwoAsync(http);
            clock.Restart();
            cluster[role].Terminate();
            byte[] streamedAudio;
            try
            {
                streamedAudio = await ReadAllAsync(streamed);
            }
            catch (Exception e) when (e is IOException or HttpRequestException)
            {
                throw new InvalidOperationException($"the streamed request broke while the {role} board drained; gateway log: " +
                    string.Join("\n", cluster["gateway"].LinesContaining("request")) + $"\n{role} log: {cluster[role].OutputEnd}", e);
            }
            using var bufferedResponse = await buffered;
            var bufferedAudio = await bufferedResponse.Content.ReadAsByteArrayAsync();
            var finished = clock.Elapsed;
            await cluster[role].WaitForExitAsync(TimeSpan.FromSeconds(90));
            Assert.True(bufferedResponse.StatusCode == HttpStatusCode.OK, $"the buffered request during the {role} board's drain: {(int)bufferedResponse.StatusCode} {System.Text.Encoding.UTF8.GetString(bufferedAudio)}");
            Assert.Equal(streamedReference, streamedAudio);
            Assert.Equal(bufferedReference, bufferedAudio);
            Assert.Equal(0, cluster[role].ExitCode);
            ReliabilityReport.Record(output, $"fault SIGTERM {role}: both requests finished after {finished.TotalSeconds:F2} s, identical to undisturbed; the board exited 0 after {clock.Elapsed.TotalSeconds:F2} s");

            await RestartAsync(cluster, http, role);
        }

        // The gateway board itself, stopped mid-request: its requests finish, new ones are refused meanwhile.
        var (lastStreamed, lastBuffered) = await StartTwoAsync(http);
        cluster["gateway"].Terminate();
        var drainedStream = await ReadAllAsync(lastStreamed);
        var drainedBuffered = await (await lastBuffered).Content.ReadAsByteArrayAsync();
        await cluster["gateway"].WaitForExitAsync(TimeSpan.FromSeconds(90));
        Assert.Equal(streamedReference, drainedStream);
        Assert.Equal(bufferedReference, drainedBuffered);
        Assert.Equal(0, cluster["gateway"].ExitCode);
        ReliabilityReport.Record(output, "fault SIGTERM gateway: both requests finished identical to undisturbed; the board exited 0");

        await cluster.StartAsync("gateway");
        using var again = new HttpClient { BaseAddress = await cluster.HttpAsync("gateway"), Timeout = TimeSpan.FromMinutes(3) };
        await ProcessCluster.WaitUntilReadyAsync(again, TimeSpan.FromSeconds(120));
        Assert.Equal(bufferedReference, await CompleteAsync(again, Body(2, stream: false)));
        ReliabilityReport.Record(output, "fault restart gateway: serves the same audio again");
        foreach (var board in cluster.Boards)
        {
            Assert.True(cluster.IsRunning(board.Name), $"{board.Name} is not running: {cluster[board.Name].OutputEnd}");
        }
    }

    private async Task RestartAsync(ProcessCluster cluster, HttpClient http, string role)
    {
        var clock = Stopwatch.StartNew();
        await cluster.StartAsync(role);
        await ProcessCluster.WaitUntilReadyAsync(http, TimeSpan.FromSeconds(120));
        using var served = await SpeechRequests.PostAsync(http, new { model = "tts-1", input = "Back again.", seed = 9, response_format = "wav" });
        var wav = await served.Content.ReadAsByteArrayAsync();
        Assert.True(served.StatusCode == HttpStatusCode.OK, $"after the {role} board came back: {(int)served.StatusCode} {System.Text.Encoding.UTF8.GetString(wav)}");
        Assert.Equal(24000, WavReader.Parse(wav, "served").SampleRate);
        ReliabilityReport.Record(output, $"fault restart {role}: rejoined and served after {clock.Elapsed.TotalSeconds:F1} s");
    }

    // The seed's EOS schedule: a length set by the text (the official mode stops where a random tiny talker samples
    // EOS, tens of frames in, before a board can be killed under it).
    private static object Body(int seed, bool stream) => stream
        ? new { model = "tts-1", input = Text, seed, stream_format = "audio", eos = "seed" }
        : new { model = "tts-1", input = BufferedText, seed, eos = "seed" };

    private static async Task<byte[]> CompleteAsync(HttpClient http, object body)
    {
        using var response = await SpeechRequests.PostAsync(http, body);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(bytes)}");
        return bytes;
    }

    /// <summary>A streamed request whose first audio has arrived, and a buffered one sent at the same moment.</summary>
    private static async Task<(Stream Streamed, Task<HttpResponseMessage> Buffered)> StartTwoAsync(HttpClient http)
    {
        var buffered = SpeechRequests.PostAsync(http, Body(2, stream: false));
        var response = await SpeechRequests.PostAsync(http, Body(1, stream: true), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stream = await response.Content.ReadAsStreamAsync();
        var first = new byte[64];
        Assert.Equal(first.Length, await stream.ReadAtLeastAsync(first, first.Length));
        return (new PrefixedStream(first, stream), buffered);
    }

    private static async Task<string> StreamEndAsync(Stream stream)
    {
        try
        {
            await ReadAllAsync(stream);
            return "ended without an error: a short file";
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return "connection aborted";
        }
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        await using (stream)
        {
            using var all = new MemoryStream();
            await stream.CopyToAsync(all);
            return all.ToArray();
        }
    }

    private static async Task<string> ErrorMessageAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.GetProperty("error").GetProperty("message").GetString() ?? "";
        }
        catch (JsonException)
        {
            return $"(not OpenAI's error shape) {body[..Math.Min(body.Length, 200)]}";
        }
    }

    private static void AssertNoInternals(string message)
    {
        foreach (var leak in new[] { "127.0.0.1", "S127", "Grain", "Async(", " at ", ".cs:line", "Orleans" })
        {
            Assert.DoesNotContain(leak, message);
        }
    }

    public void Dispose() => System.IO.Directory.Delete(_dir, recursive: true);

    /// <summary>The bytes already read to know the stream had started, then the rest.</summary>
    private sealed class PrefixedStream(byte[] prefix, Stream rest) : Stream
    {
        private int _offset;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_offset < prefix.Length)
            {
                var n = Math.Min(buffer.Length, prefix.Length - _offset);
                prefix.AsMemory(_offset, n).CopyTo(buffer);
                _offset += n;
                return n;
            }
            return await rest.ReadAsync(buffer, cancellationToken);
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                rest.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
