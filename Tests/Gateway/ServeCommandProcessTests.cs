using System.Diagnostics;
using System.Net;
using System.Text;
using Qwen3Tts.Inference.Audio;
using Qwen3Tts.Tests.Cluster;
using Qwen3Tts.Tests.Pipeline;

namespace Qwen3Tts.Tests.Gateway;

/// <summary>`qwen3-tts serve` as a real process: it becomes ready, speaks over HTTP, and stops when killed.</summary>
public sealed class ServeCommandProcessTests(TinyModelsFixture models) : IClassFixture<TinyModelsFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("qwen3-serve-").FullName;

    [Fact]
    public async Task ServeBecomesReadyAndSpeaks()
    {
        var port = SiloProcess.FreePort();
        var config = Path.Combine(_dir, "cluster.json");
        // Its own cluster id and Orleans ports, so it cannot meet a silo of another test.
        await File.WriteAllTextAsync(config, $$"""
            {
              "cluster": { "clusterId": "serve-test-{{Guid.NewGuid():N}}", "serviceId": "serve-test", "clustering": "localhost" },
              "talker": { "contextPerSequence": 512, "maxSequences": 2, "threads": 1 },
              "silos": [ { "name": "serve", "siloPort": {{SiloProcess.FreePort()}}, "gatewayPort": {{SiloProcess.FreePort()}} } ]
            }
            """);
        var stderr = new StringBuilder();
        using var process = Process.Start(new ProcessStartInfo("dotnet",
            [Path.Combine(AppContext.BaseDirectory, "qwen3-tts.dll"), "serve", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--config", config, "--models", models.Directory])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _dir,
        })!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { lock (stderr) { stderr.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
            await WaitUntilReadyAsync(http, process, stderr, TimeSpan.FromSeconds(120));

            // Without response_format the answer is OpenAI's default, mp3, where ffmpeg can encode it.
            using var defaulted = await http.PostAsync("/v1/audio/speech", SpeechRequests.Json(new { model = "tts-1", input = "Served from a process.", seed = 3 }));
            var expected = Inference.Audio.Encoders.FfmpegLocator.Default.WhyUnavailable(Inference.Audio.Encoders.SpeechFormat.Mp3) is null ? "audio/mpeg" : "audio/wav";
            Assert.Equal(HttpStatusCode.OK, defaulted.StatusCode);
            Assert.Equal(expected, defaulted.Content.Headers.ContentType?.MediaType);

            using var response = await http.PostAsync("/v1/audio/speech", SpeechRequests.Json(new { model = "tts-1", input = "Served from a process.", seed = 3, response_format = "wav" }));
            var wav = await response.Content.ReadAsByteArrayAsync();

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(24000, WavReader.Parse(wav, "served").SampleRate);
            lock (stderr)
            {
                Assert.Contains($"http://127.0.0.1:{port}", stderr.ToString());
                // Neither Orleans' ServerGC note nor its false "deadlock" alarm of every start reaches the user.
                Assert.DoesNotContain("ServerGC", stderr.ToString());
                Assert.DoesNotContain("Participant check thread", stderr.ToString());
            }
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
            await process.WaitForExitAsync();
        }
    }

    private static async Task WaitUntilReadyAsync(HttpClient http, Process process, StringBuilder stderr, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (process.HasExited)
            {
                lock (stderr)
                {
                    throw new InvalidOperationException($"serve exited with code {process.ExitCode}: {stderr}");
                }
            }
            try
            {
                using var ready = await http.GetAsync("/readyz");
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"serve was not ready within {timeout.TotalSeconds} s");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
