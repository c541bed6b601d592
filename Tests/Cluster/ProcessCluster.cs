using System.Diagnostics;
using System.Net;

namespace Qwen3Tts.Tests.Cluster;

/// <summary>
/// A cluster of real silo processes on this machine, one per board, meeting through localhost clustering (the
/// shared membership file), with the board settings of cluster.json: boards can be killed (SIGKILL), stopped
/// (SIGTERM) and started again by name. The first board is the one the README calls primary.
/// </summary>
internal sealed class ProcessCluster : IAsyncDisposable
{
    private readonly Dictionary<string, SiloProcess> _running = [];

    private ProcessCluster(string directory, string config, string clusterId, IReadOnlyList<Board> boards)
    {
        Directory = directory;
        ClusterId = clusterId;
        Config = config;
        Boards = boards;
    }

    public string Directory { get; }

    public string Config { get; }

    /// <summary>The cluster and service id of cluster.json, for an Orleans client connecting to a board's gateway port.</summary>
    public string ClusterId { get; }

    public IReadOnlyList<Board> Boards { get; }

    public sealed record Board(string Name, string[] Roles, int SiloPort, int GatewayPort);

    /// <param name="extraSections">More top-level cluster.json members, e.g. <c>"shutdown": { "drainTimeout": "00:00:20" }</c>.</param>
    /// <param name="gatewayMembers">More members of the gateway section, e.g. <c>"admission": { "maxConcurrentRequests": 4 }</c>.</param>
    public static async Task<ProcessCluster> WriteAsync(string modelsDirectory, string directory, IEnumerable<(string Name, string[] Roles)> boards, string extraSections = "", string gatewayMembers = "")
    {
        var id = "proc-" + Guid.NewGuid().ToString("N")[..10];
        var placed = boards.Select(b => new Board(b.Name, b.Roles, SiloPorts.Next(), SiloPorts.Next())).ToList();
        var entries = string.Join(",\n    ", placed.Select(b =>
            $$"""{ "name": "{{b.Name}}", "roles": [ {{string.Join(", ", b.Roles.Select(r => $"\"{r}\""))}} ], "host": "127.0.0.1", "siloPort": {{b.SiloPort}}, "gatewayPort": {{b.GatewayPort}} }"""));
        var config = Path.Combine(directory, "cluster.json");
        await File.WriteAllTextAsync(config, $$"""
            {
              "cluster": { "clusterId": "{{id}}", "serviceId": "{{id}}", "clustering": "localhost", "membershipDirectory": "{{Json(Path.Combine(directory, "membership"))}}" },
              "models": { "directory": "{{Json(modelsDirectory)}}" },
              "talker": { "contextPerSequence": 4096, "maxSequences": 4, "threads": 1 },
              "gateway": { "urls": "http://127.0.0.1:0", "voicesDirectory": "{{Json(Path.Combine(directory, "voices"))}}"{{(gatewayMembers.Length > 0 ? ", " + gatewayMembers : "")}} },
              {{(extraSections.Length > 0 ? extraSections + "," : "")}}
              "silos": [
                {{entries}}
              ]
            }
            """);
        return new ProcessCluster(directory, config, id, placed);
    }

    public SiloProcess this[string name] => _running[name];

    public bool IsRunning(string name) => _running.TryGetValue(name, out var silo) && !silo.HasExited;

    /// <summary>Starts the boards given (all when none), waiting until each accepts Orleans connections.</summary>
    public async Task StartAsync(params string[] names)
    {
        var started = new List<(SiloProcess Silo, Board Board)>();
        foreach (var board in names.Length == 0 ? Boards : Boards.Where(b => names.Contains(b.Name)))
        {
            if (_running.Remove(board.Name, out var old))
            {
                await old.DisposeAsync();
            }
            var silo = SiloProcess.Start(Config, Directory, board.Name);
            _running[board.Name] = silo;
            started.Add((silo, board));
        }
        foreach (var (silo, board) in started)
        {
            await silo.WaitForPortAsync(board.GatewayPort, TimeSpan.FromSeconds(120));
        }
    }

    /// <summary>The gateway board's HTTP address.</summary>
    public Task<Uri> HttpAsync(string gateway) => _running[gateway].HttpAddressAsync(TimeSpan.FromSeconds(120));

    /// <summary>Waits until <c>/readyz</c> of <paramref name="http"/> says every role has a live silo.</summary>
    public static async Task WaitUntilReadyAsync(HttpClient http, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        var last = "";
        while (clock.Elapsed < timeout)
        {
            try
            {
                using var ready = await http.GetAsync("/readyz");
                last = await ready.Content.ReadAsStringAsync();
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"the cluster was not ready within {timeout.TotalSeconds} s: {last}");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in _running.Values)
        {
            await silo.DisposeAsync();
        }
        _running.Clear();
    }

    private static string Json(string path) => path.Replace("\\", "\\\\");
}
