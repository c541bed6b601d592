namespace Qwen3Tts.Tests.Cluster;

/// <summary>
/// One real silo process with every role (the embedded single-machine mode) on ports of its own, and the
/// cluster.json that reaches it, for tests of the things that talk to a running cluster (client, CLI, MCP).
/// </summary>
internal sealed class SingleSiloProcess : IAsyncDisposable
{
    private readonly SiloProcess _process;

    private SingleSiloProcess(SiloProcess process, string config, string clusterId, int gatewayPort)
    {
        _process = process;
        Config = config;
        ClusterId = clusterId;
        GatewayPort = gatewayPort;
    }

    /// <summary>The cluster.json written for this silo, usable with <c>--cluster</c>.</summary>
    public string Config { get; }

    public string ClusterId { get; }

    public int GatewayPort { get; }

    public static async Task<SingleSiloProcess> StartAsync(string modelsDirectory, string directory, string clusterId)
    {
        var config = Path.Combine(directory, "cluster.json");
        var (siloPort, gatewayPort) = (SiloProcess.FreePort(), SiloProcess.FreePort());
        await File.WriteAllTextAsync(config, $$"""
            {
              "cluster": { "clusterId": "{{clusterId}}", "serviceId": "{{clusterId}}", "clustering": "localhost" },
              "models": { "directory": "{{modelsDirectory.Replace("\\", "\\\\")}}" },
              "silos": [ { "name": "board", "roles": [ "talker", "predictor", "vocoder", "gateway" ], "host": "127.0.0.1", "siloPort": {{siloPort}}, "gatewayPort": {{gatewayPort}} } ]
            }
            """);
        var process = SiloProcess.Start(config, directory);
        try
        {
            await process.WaitForPortAsync(gatewayPort, TimeSpan.FromSeconds(90));
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
        return new SingleSiloProcess(process, config, clusterId, gatewayPort);
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
