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
/// N clients for M seconds on loopback against one real silo process with every role, more clients than the gateway
/// admits (so some are refused): every answer is complete, valid audio or a clean 429/503 with a Retry-After and
/// OpenAI's error shape, and the silo's RSS after the run is where it was after the warm-up (no activations,
/// sessions or buffers piling up). <c>QWEN3_TTS_LOAD_CLIENTS</c> / <c>QWEN3_TTS_LOAD_SECONDS</c> size it.
/// </summary>
[Trait("Category", "Reliability")]
public sealed class LoadTests(TinyModelsFixture models, ITestOutputHelper output) : IClassFixture<TinyModelsFixture>, IDisposable
{
    /// <summary>RSS may grow this much between the end of the warm-up and the end of the run (GC heuristics, JIT tiers, pools reaching their size).</summary>
    private const double AllowedGrowthMegabytes = 64;

    private readonly string _dir = Directory.CreateTempSubdirectory("qwen3-load-").FullName;

    private static int Setting(string name, int fallback) => int.TryParse(Environment.GetEnvironmentVariable(name), out var n) && n > 0 ? n : fallback;

    private static readonly string[] Texts =
    [
        "A short one.",
        "Load tests read many sentences, one after another, while others wait their turn at the gateway.",
        "Numbers like 1,234 and dates like 2026-12-01 are read too.",
        string.Concat(Enumerable.Repeat("A longer paragraph keeps a talker sequence busy for a while. ", 4)),
    ];

    private sealed record Outcome(string Kind, TimeSpan Latency, string? Problem = null);

    [ReliabilityFact]
    public async Task ManyClientsGetCompleteAudioOrACleanRefusalAndRssStaysFlat()
    {
        var clients = Setting("QWEN3_TTS_LOAD_CLIENTS", 12);
        var seconds = Setting("QWEN3_TTS_LOAD_SECONDS", 60);
        await using var cluster = await ProcessCluster.WriteAsync(models.Directory, _dir, [("board", ["gateway", "talker", "predictor", "vocoder"])],
            gatewayMembers: """ "admission": { "maxConcurrentRequests": 4, "maxQueuedRequests": 4, "queueTimeout": "00:00:20" } """);
        await cluster.StartAsync();
        using var http = new HttpClient { BaseAddress = await cluster.HttpAsync("board"), Timeout = TimeSpan.FromMinutes(2) };
        await ProcessCluster.WaitUntilReadyAsync(http, TimeSpan.FromSeconds(120));
        var silo = cluster["board"];

        await RunAsync(http, clients, TimeSpan.FromSeconds(Math.Max(10, seconds / 4)), seed: 1);
        var baseline = silo.ResidentMegabytes();
        var samples = new List<double> { baseline };
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None);
                lock (samples)
                {
                    samples.Add(silo.ResidentMegabytes());
                }
            }
        });
        var outcomes = await RunAsync(http, clients, TimeSpan.FromSeconds(seconds), seed: 2);
        await sampling.CancelAsync();
        await sampler;
        var end = silo.ResidentMegabytes();

        var bad = outcomes.Where(o => o.Problem is not null).ToList();
        var ok = outcomes.Where(o => o.Kind == "ok").Select(o => o.Latency.TotalSeconds).Order().ToList();
        string Count(string kind) => outcomes.Count(o => o.Kind == kind).ToString(System.Globalization.CultureInfo.InvariantCulture);
        ReliabilityReport.Record(output,
            $"load {clients} clients x {seconds} s: {outcomes.Count} requests, {Count("ok")} complete audio, {Count("429")} x 429, {Count("503")} x 503, {bad.Count} bad; " +
            $"latency of the served p50 {Percentile(ok, 0.5):F1} s p99 {Percentile(ok, 0.99):F1} s; RSS after warm-up {baseline:F0} MiB, max {samples.Max():F0} MiB, end {end:F0} MiB");
        Assert.True(bad.Count == 0, string.Join("\n", bad.Take(10).Select(o => o.Problem)));
        Assert.True(ok.Count > 0, "nothing was served");
        Assert.True(end - baseline < AllowedGrowthMegabytes, $"RSS grew from {baseline:F0} to {end:F0} MiB over the run");
        Assert.True(silo.LinesContaining("Unhandled exception").Count == 0, silo.OutputEnd);
    }

    private static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];

    private static async Task<List<Outcome>> RunAsync(HttpClient http, int clients, TimeSpan duration, int seed)
    {
        var outcomes = new List<Outcome>();
        var deadline = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            var random = new Random(seed * 1000 + c);
            while (deadline.Elapsed < duration)
            {
                var outcome = await OneAsync(http, random);
                lock (outcomes)
                {
                    outcomes.Add(outcome);
                }
                if (outcome.Kind is "429" or "503")
                {
                    await Task.Delay(random.Next(100, 500));
                }
            }
        })));
        return outcomes;
    }

    private static async Task<Outcome> OneAsync(HttpClient http, Random random)
    {
        var text = Texts[random.Next(Texts.Length)];
        var stream = random.Next(3) == 0;
        var format = random.Next(2) == 0 ? "wav" : "pcm";
        var clock = Stopwatch.StartNew();
        try
        {
            object body = stream
                ? new { model = "tts-1", input = text, seed = random.Next(1000), response_format = format, stream_format = "audio" }
                : new { model = "tts-1", input = text, seed = random.Next(1000), response_format = format };
            using var response = await SpeechRequests.PostAsync(http, body, HttpCompletionOption.ResponseHeadersRead);
            var bytes = await response.Content.ReadAsByteArrayAsync();
            var status = (int)response.StatusCode;
            if (status is 429 or 503)
            {
                using var error = JsonDocument.Parse(bytes);
                var message = error.RootElement.GetProperty("error").GetProperty("message").GetString();
                return response.Headers.RetryAfter is null || string.IsNullOrWhiteSpace(message)
                    ? new Outcome("bad", clock.Elapsed, $"{status} without a Retry-After or a message: {System.Text.Encoding.UTF8.GetString(bytes)}")
                    : new Outcome(status.ToString(System.Globalization.CultureInfo.InvariantCulture), clock.Elapsed);
            }
            if (status != 200)
            {
                return new Outcome("bad", clock.Elapsed, $"{status}: {System.Text.Encoding.UTF8.GetString(bytes)}");
            }
            if (format == "wav")
            {
                // Streamed WAVs carry an unknown-size header; the samples must still be whole and present.
                var data = bytes.AsSpan(44);
                if (bytes.Length <= 44 || data.Length % 2 != 0 || (!stream && WavReader.Parse(bytes, "load").Samples.Length * 2 != data.Length))
                {
                    return new Outcome("bad", clock.Elapsed, $"an incomplete WAV of {bytes.Length} bytes (streamed: {stream})");
                }
            }
            else if (bytes.Length == 0 || bytes.Length % 2 != 0)
            {
                return new Outcome("bad", clock.Elapsed, $"PCM of {bytes.Length} bytes (streamed: {stream})");
            }
            return new Outcome("ok", clock.Elapsed);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or JsonException or InvalidDataException or TaskCanceledException)
        {
            return new Outcome("bad", clock.Elapsed, $"{e.GetType().Name}: {e.Message}");
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
