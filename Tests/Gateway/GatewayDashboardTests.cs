using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Qwen3Tts.Grains;

using Qwen3Tts.Tests.Cluster;

namespace Qwen3Tts.Tests.Gateway;

/// <summary>
/// The Orleans Dashboard co-hosted at /dashboard shows this cluster: its silo with the TTS roles, the role grains,
/// and the tts-* step metrics (which it only picks up from the silo's own Orleans meter instance).
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class GatewayDashboardTests(GatewayFixture fixture)
{
    // The dashboard samples its counters every second; this is how long a test waits for a sample that shows the work.
    private static readonly TimeSpan RefreshBound = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task AfterASynthesisTheDashboardListsTheSiloItsRolesTheRoleGrainsAndTheTalkerSteps()
    {
        long steps;
        using (var counter = new TtsMeasurements([fixture.Server.OrleansMeter]))
        {
            using var speech = await SpeechRequests.PostAsync(fixture.Http, new { model = "tts-1", input = "Counting the talker's steps on the dashboard.", seed = 21 });
            Assert.Equal(HttpStatusCode.OK, speech.StatusCode);
            await speech.Content.ReadAsByteArrayAsync();
            steps = counter.Counter("tts-talker-steps");
        }
        Assert.True(steps > 0);

        // Per-request role grains deactivate when their request ends, and one no request claims within 2 s: this one is
        // called again and again until the dashboard has listed it.
        var held = fixture.Server.Host.Services.GetRequiredService<IGrainFactory>().GetGrain<IPredictorGrain>("dashboard-" + Guid.NewGuid().ToString("N"));
        await held.GetSiloAsync();
        using var holding = new CancellationTokenSource();
        var keepAlive = Task.Run(async () =>
        {
            while (!holding.IsCancellationRequested)
            {
                await held.GetSiloAsync();
                await Task.Delay(300, CancellationToken.None);
            }
        });
        var silo = await WaitForAsync("/dashboard/DashboardCounters", root =>
        {
            // The first answers after a start may list no host yet.
            if (root.GetProperty("hosts").EnumerateArray().ToList() is not [var host])
            {
                return null;
            }
            var activeTypes = root.GetProperty("simpleGrainStats").EnumerateArray()
                .Where(s => s.GetProperty("activationCount").GetInt32() > 0)
                .Select(s => s.GetProperty("grainType").GetString())
                .ToHashSet();
            return activeTypes.Contains(typeof(PredictorGrain).FullName) && host.GetProperty("status").GetString() == "Active"
                ? host.GetProperty("siloAddress").GetString()
                : null;
        });

        await holding.CancelAsync();
        await keepAlive;
        await held.ReleaseAsync();

        using var metadata = await GetJsonAsync($"/dashboard/SiloMetadata/{silo}");
        Assert.Equal("talker,predictor,vocoder,gateway", metadata.RootElement.GetProperty("tts.roles").GetString());

        // Counters are cumulative since the silo started (other tests of the collection synthesize too), so the
        // dashboard's value is at least this request's steps once its sample includes them.
        var counters = await WaitForAsync($"/dashboard/SiloCounters/{silo}", root =>
        {
            var values = root.EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!,
                c => double.Parse(c.GetProperty("value").GetString()!, CultureInfo.InvariantCulture));
            return values.GetValueOrDefault("tts-talker-steps") >= steps ? values : null;
        });
        Assert.True(counters["tts-talker-prefills"] >= 1);
        Assert.True(counters["tts-talker-step-ms"] > 0);
        Assert.True(counters["tts-predictor-frames"] >= steps);
        Assert.True(counters["tts-frames-synthesized"] >= steps);
    }

    /// <summary>Reads a dashboard JSON endpoint until <paramref name="select"/> finds what it looks for.</summary>
    private async Task<T> WaitForAsync<T>(string path, Func<JsonElement, T?> select) where T : class
    {
        using var timeout = new CancellationTokenSource(RefreshBound);
        string last;
        do
        {
            using var document = await GetJsonAsync(path);
            if (select(document.RootElement) is { } found)
            {
                return found;
            }
            last = document.RootElement.GetRawText();
            await Task.Delay(200);
        }
        while (!timeout.IsCancellationRequested);
        Assert.Fail($"{path} did not show it within {RefreshBound.TotalSeconds} s; last answer: {last}");
        return null!;
    }

    private async Task<JsonDocument> GetJsonAsync(string path)
    {
        using var response = await fixture.Http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body);
    }
}
