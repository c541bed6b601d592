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
        var silos = new List<SiloProcess>();
        try
        {
            var ports = Boards.Select(_ => (Silo: SiloProcess.FreePort(), Gateway: SiloProcess.FreePort())).ToArray();
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
                silos.Add(SiloProcess.Start(config, dir, board.Name));
            }
            for (var i = 0; i < Boards.Length; i++)
            {
                await silos[i].WaitForPortAsync(ports[i].Gateway, TimeSpan.FromSeconds(120));
            }

            // An open gateway port means that silo is Active, not that every other silo's membership view has it yet.
            await WaitForActiveSilosAsync(database, Boards.Length, TimeSpan.FromSeconds(60));

            var expected = await new SpeechSynthesizer(fixture.Models).SynthesizeAsync(new SynthesisRequest("Three boards, one voice.", "english", Seed: 23));
            await using var client = await Qwen3TtsClient.ConnectAsync(new Qwen3TtsClientOptions
            {
                ClusterId = "adonet-test",
                ServiceId = "adonet-test",
                AdoNetConnectionString = database.ConnectionString,
                // Silo processes starting beside a busy test run can be slow to answer.
                ConnectTimeout = TimeSpan.FromSeconds(60),
            });
            var audio = await SynthesizeOnceViewsAgreeAsync(client, TimeSpan.FromSeconds(30));

            Assert.Equal(expected.Samples, audio.Samples);
            // Status 3 is Orleans' Active.
            Assert.Equal(3L, await database.ScalarAsync<long>("SELECT count(*) FROM OrleansMembershipTable WHERE DeploymentId = 'adonet-test' AND Status = 3"));
        }
        finally
        {
            foreach (var silo in silos)
            {
                await silo.DisposeAsync();
            }
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task WaitForActiveSilosAsync(PostgresTestDatabase database, int count, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (await database.ScalarAsync<long>("SELECT count(*) FROM OrleansMembershipTable WHERE DeploymentId = 'adonet-test' AND Status = 3") < count)
        {
            await Task.Delay(200, deadline.Token);
        }
    }

    /// <summary>
    /// The first request may reach a silo whose membership view does not list another board yet (views converge
    /// by gossip after the table changes); placement then says no live silo hosts that role. Only that is retried.
    /// </summary>
    private static async Task<SynthesizedAudio> SynthesizeOnceViewsAgreeAsync(Qwen3TtsClient client, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                return await client.SynthesizeAsync("Three boards, one voice.", new SynthesisOptions { Language = SpeechLanguage.English, Seed = 23 });
            }
            catch (Exception e) when (e.Message.Contains("no live silo hosts", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(500);
            }
        }
    }
}
