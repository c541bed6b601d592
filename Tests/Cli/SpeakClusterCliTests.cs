using System.Net;
using System.Net.Sockets;

namespace Qwen3Tts.Tests.Cli;

/// <summary>`--cluster` errors that need no running silo: a missing file, and a cluster nobody answers for.</summary>
[Collection(CliCollection.Name)]
public sealed class SpeakClusterCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("qwen3-cli-cluster-").FullName;

    [Fact]
    public async Task AMissingClusterFileIsAUsageError()
    {
        var output = Path.Combine(_dir, "out.wav");

        var run = await CliHarness.RunAsync(["speak", "Hello.", "-o", output, "--cluster", Path.Combine(_dir, "nope.json")]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("nope.json", run.Error);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task AClusterThatDoesNotAnswerFailsWithItsNameAndWritesNothing()
    {
        var config = Path.Combine(_dir, "cluster.json");
        await File.WriteAllTextAsync(config, $$"""
            { "cluster": { "clustering": "localhost" },
              "silos": [ { "name": "gone", "host": "127.0.0.1", "siloPort": {{ClosedPort()}}, "gatewayPort": {{ClosedPort()}} } ] }
            """);
        var output = Path.Combine(_dir, "out.wav");

        var run = await CliHarness.RunAsync(["speak", "Hello.", "-o", output, "--cluster", config]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("cannot connect to the cluster", run.Error);
        Assert.Contains(config, run.Error);
        Assert.False(File.Exists(output));
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
