using System.Net;
using Qwen3Tts.Tests.Gateway;
using Qwen3Tts.Tests.Pipeline;
using Qwen3Tts.Tests.Reliability;

namespace Qwen3Tts.Tests.Cluster;

/// <summary>
/// The README's two-silo localhost setup (a gateway board in front of a worker board) as real processes: the first
/// silo of cluster.json is restarted, stopped or killed, and the other keeps running and serves again once it is back.
/// With Orleans' development clustering the table lived in the first silo; its restart made the others terminate
/// ("The development membership table version decreased ... this silo must terminate").
/// </summary>
public sealed class LocalhostHealingTests(TinyModelsFixture models) : IClassFixture<TinyModelsFixture>, IDisposable
{
    private readonly string _dir = System.IO.Directory.CreateTempSubdirectory("qwen3-heal-").FullName;

    [Fact]
    public async Task RestartingThePrimarySiloLeavesTheOthersRunningAndTheClusterServesAgain()
    {
        await using var cluster = await StartAsync();

        // A restart as systemd does it: SIGTERM, then start.
        cluster["front"].Terminate();
        await cluster["front"].WaitForExitAsync(TimeSpan.FromSeconds(90));
        await cluster.StartAsync("front");
        await SpeakAsync(cluster, "After the restart.");

        AssertNoneTerminated(cluster);
    }

    /// <summary>A crash of the primary and a restart of the worker board as well: a minute of process starts, so in the reliability suite.</summary>
    [ReliabilityFact]
    [Trait("Category", "Reliability")]
    public async Task KillingThePrimaryOrRestartingTheWorkerLeavesTheClusterServing()
    {
        await using var cluster = await StartAsync();

        cluster["front"].Kill();
        await cluster["front"].WaitForExitAsync(TimeSpan.FromSeconds(30));
        await cluster.StartAsync("front");
        await SpeakAsync(cluster, "After the crash.");

        cluster["board1"].Terminate();
        await cluster["board1"].WaitForExitAsync(TimeSpan.FromSeconds(90));
        await cluster.StartAsync("board1");
        await SpeakAsync(cluster, "After the worker's restart.");

        AssertNoneTerminated(cluster);
    }

    private async Task<ProcessCluster> StartAsync()
    {
        var cluster = await ProcessCluster.WriteAsync(models.Directory, _dir, [("front", ["gateway"]), ("board1", ["talker", "predictor", "vocoder"])]);
        try
        {
            await cluster.StartAsync();
            await SpeakAsync(cluster, "Before the restart.");
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    private static void AssertNoneTerminated(ProcessCluster cluster)
    {
        Assert.True(cluster.IsRunning("front") && cluster.IsRunning("board1"));
        Assert.Empty(cluster["board1"].LinesContaining("must terminate"));
        Assert.Empty(cluster["front"].LinesContaining("must terminate"));
    }

    private static async Task SpeakAsync(ProcessCluster cluster, string text)
    {
        Assert.True(cluster.IsRunning("board1"), $"the worker board terminated: {cluster["board1"].OutputEnd}");
        using var http = new HttpClient { BaseAddress = await cluster.HttpAsync("front"), Timeout = TimeSpan.FromSeconds(90) };
        await ProcessCluster.WaitUntilReadyAsync(http, TimeSpan.FromSeconds(90));
        using var response = await SpeechRequests.PostAsync(http, new { model = "tts-1", input = text, seed = 5 });
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    public void Dispose() => System.IO.Directory.Delete(_dir, recursive: true);
}
