using System.Diagnostics;
using System.Net.Sockets;
using Qwen3Tts.Client;
using Qwen3Tts.Inference.Pipeline;
using Qwen3Tts.Tests.Pipeline;

namespace Qwen3Tts.Tests.Cluster;

/// <summary>
/// Three silo processes (one per board role) meeting through the PostgreSQL membership table, and a client
/// that finds the gateway through the same table: the audio must equal the in-process synthesizer's.
/// </summary>
public sealed class AdoNetMultiSiloTests(TinyModelsFixture fixture) : IClassFixture<TinyModelsFixture>
{
    private static readonly (string Name, string[] Roles)[] Boards =
    [
        ("talker-board", ["talker"]),
        ("predictor-board", ["predictor"]),
        ("vocoder-board", ["vocoder", "gateway"]),
    ];

    [PostgresFact]
    public async Task ThreeSiloProcessesJoinThroughPostgresAndSynthesizeTheInProcessAudio()
    {
        await using var database = await PostgresTestDatabase.CreateAsync(PostgresFactAttribute.ConnectionString);
        var dir = Directory.CreateTempSubdirectory("qwen3-adonet-").FullName;
        var silos = new List<Process>();
        try
        {
            var ports = Boards.Select(_ => (Silo: FreePort(), Gateway: FreePort())).ToArray();
            var entries = string.Join(",\n", Boards.Select((b, i) =>
                $$"""{ "name": "{{b.Name}}", "roles": [ {{string.Join(", ", b.Roles.Select(r => $"\"{r}\""))}} ], "host": "127.0.0.1", "siloPort": {{ports[i].Silo}}, "gatewayPort": {{ports[i].Gateway}} }"""));
            var config = Path.Combine(dir, "cluster.json");
            await File.WriteAllTextAsync(config, $$"""
                {
                  "cluster": { "clusterId": "adonet-test", "serviceId": "adonet-test", "clustering": "adonet",
                               "adoNet": { "invariant": "Npgsql", "connectionString": "{{database.ConnectionString}}" } },
                  "models": { "directory": "{{fixture.Directory.Replace("\\", "\\\\")}}" },
                  "silos": [ {{entries}} ]
                }
                """);
            foreach (var board in Boards)
            {
                silos.Add(StartSilo(config, board.Name, dir));
            }
            for (var i = 0; i < Boards.Length; i++)
            {
                await WaitForPortAsync(silos[i], ports[i].Gateway, TimeSpan.FromSeconds(120));
            }

            var expected = await new SpeechSynthesizer(fixture.Models).SynthesizeAsync(new SynthesisRequest("Three boards, one voice.", "english", Seed: 23));
            await using var client = await Qwen3TtsClient.ConnectAsync(new Qwen3TtsClientOptions
            {
                ClusterId = "adonet-test",
                ServiceId = "adonet-test",
                AdoNetConnectionString = database.ConnectionString,
            });
            var audio = await client.SynthesizeAsync("Three boards, one voice.", new SynthesisOptions { Language = SpeechLanguage.English, Seed = 23 });

            Assert.Equal(expected.Samples, audio.Samples);
            // Status 3 is Orleans' Active.
            Assert.Equal(3L, await database.ScalarAsync<long>("SELECT count(*) FROM OrleansMembershipTable WHERE DeploymentId = 'adonet-test' AND Status = 3"));
        }
        finally
        {
            foreach (var silo in silos)
            {
                if (!silo.HasExited)
                {
                    silo.Kill(entireProcessTree: true);
                    await silo.WaitForExitAsync();
                }
                silo.Dispose();
            }
            Directory.Delete(dir, recursive: true);
        }
    }

    private static Process StartSilo(string config, string name, string dir)
    {
        var silo = Path.Combine(AppContext.BaseDirectory, "qwen3-tts-silo.dll");
        var process = Process.Start(new ProcessStartInfo("dotnet", [silo, "--config", config, "--silo", name])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = dir,
        })!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task WaitForPortAsync(Process silo, int port, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (silo.HasExited)
            {
                throw new InvalidOperationException($"a silo process exited with code {silo.ExitCode} before listening on {port}");
            }
            try
            {
                using var socket = new TcpClient();
                await socket.ConnectAsync(System.Net.IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(250);
            }
        }
        throw new TimeoutException($"a silo did not open port {port} within {timeout.TotalSeconds} s");
    }
}
