using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Qwen3Tts.Grains;
using Qwen3Tts.Inference.Formats;
using Qwen3Tts.Inference.Predictor;
using Qwen3Tts.Inference.Talker;
using Qwen3Tts.Inference.Vocoder;
using Qwen3Tts.Silo;

namespace Qwen3Tts.Cli.Commands;

/// <summary>
/// `qwen3-tts init --talker-ip A --predictor-ip B --vocoder-ip C`: writes the cluster.json of a multi-board
/// cluster (one silo entry per board, membership in PostgreSQL) and prints what to run on each board.
/// </summary>
internal static class InitCommand
{
    /// <summary>One board: its address and the roles its silo hosts, in the order the options name them.</summary>
    internal sealed record Board(IPAddress Host, List<string> Roles)
    {
        /// <summary>The <c>--silo</c> name: the roles, so the name says what the board does.</summary>
        public string Name => string.Join('-', Roles);
    }

    public static Command Create()
    {
        var talker = new Option<string>("--talker-ip") { Description = "Address of the board that runs the talker", Required = true };
        var predictor = new Option<string>("--predictor-ip") { Description = "Address of the board that runs the code predictor", Required = true };
        var vocoder = new Option<string?>("--vocoder-ip") { Description = "Address of the board that runs the vocoder (default: the predictor's)" };
        var gateway = new Option<string?>("--gateway-ip") { Description = "Address of the board clients connect to (default: the talker's)" };
        var database = new Option<string?>("--db")
        {
            Description = $"PostgreSQL connection string to store in the file (default: none; silos read ${new AdoNetSection().ConnectionStringVariable})",
        };
        var models = new Option<string?>("--models", "-m") { Description = "Models directory on the boards (default: each board's $QWEN3_TTS_MODELS or ~/.local/share/qwen3-tts/models)" };
        var output = new Option<string>("--output", "-o") { Description = "File to write", DefaultValueFactory = _ => "cluster.json" };
        var force = new Option<bool>("--force", "-f") { Description = "Overwrite an existing file" };

        var command = new Command("init", "Write cluster.json for a multi-board cluster (one silo per board address) and print the commands to start it")
        {
            talker, predictor, vocoder, gateway, database, models, output, force,
        };
        command.SetAction((parse, ct) =>
        {
            var path = parse.GetValue(output)!;
            if (File.Exists(path) && !parse.GetValue(force))
            {
                throw new ArgumentException($"{path} already exists; use --force to overwrite it");
            }
            var talkerIp = ParseAddress("--talker-ip", parse.GetValue(talker)!);
            var predictorIp = ParseAddress("--predictor-ip", parse.GetValue(predictor)!);
            var vocoderIp = parse.GetValue(vocoder) is { } v ? ParseAddress("--vocoder-ip", v) : predictorIp;
            var gatewayIp = parse.GetValue(gateway) is { } g ? ParseAddress("--gateway-ip", g) : talkerIp;
            var boards = PlanBoards([
                (GrainRoles.Talker, talkerIp),
                (GrainRoles.Predictor, predictorIp),
                (GrainRoles.Vocoder, vocoderIp),
                (GrainRoles.Gateway, gatewayIp),
            ]);
            var connectionString = parse.GetValue(database) is { Length: > 0 } given ? given : null;
            var json = BuildConfig(boards, connectionString, parse.GetValue(models)).ToJsonString(new JsonSerializerOptions { WriteIndented = true });

            ct.ThrowIfCancellationRequested();
            AtomicFile.Write(path, stream => stream.Write(System.Text.Encoding.UTF8.GetBytes(json + "\n")));
            PrintNextSteps(parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, path, boards, connectionString);
            return Task.FromResult(CliExitCodes.Ok);
        });
        return command;
    }

    /// <summary>
    /// Silos advertise the address to the other boards, so it must be one concrete IP: not a host name,
    /// not 0.0.0.0, and not a shorthand such as "10.1" that IPAddress would quietly expand.
    /// </summary>
    internal static IPAddress ParseAddress(string option, string value)
    {
        var valid = IPAddress.TryParse(value, out var address)
            && (address.AddressFamily == AddressFamily.InterNetworkV6 || address.ToString() == value)
            && !address.Equals(IPAddress.Any) && !address.Equals(IPAddress.IPv6Any);
        return valid
            ? address!
            : throw new ArgumentException($"{option} '{value}' is not a board address; give an IPv4 address such as 10.0.0.2 (or an IPv6 address)");
    }

    /// <summary>Roles whose boards share an address become one silo with several roles.</summary>
    internal static List<Board> PlanBoards(IEnumerable<(string Role, IPAddress Host)> placements)
    {
        var boards = new List<Board>();
        foreach (var (role, host) in placements)
        {
            var board = boards.Find(b => b.Host.Equals(host));
            if (board is null)
            {
                boards.Add(new Board(host, [role]));
            }
            else
            {
                board.Roles.Add(role);
            }
        }
        return boards;
    }

    /// <summary>The file in the shape <see cref="ClusterSettings"/> binds; unset values are left out so the silo defaults apply.</summary>
    internal static JsonObject BuildConfig(IReadOnlyList<Board> boards, string? connectionString, string? modelsDirectory)
    {
        var cluster = new ClusterSection();
        var entry = new SiloEntry();
        var talker = new TalkerOptions();
        var adoNet = new JsonObject
        {
            ["invariant"] = cluster.AdoNet.Invariant,
            ["connectionStringVariable"] = cluster.AdoNet.ConnectionStringVariable,
        };
        if (connectionString is not null)
        {
            adoNet["connectionString"] = connectionString;
        }
        var models = new JsonObject();
        if (modelsDirectory is not null)
        {
            models["directory"] = modelsDirectory;
        }
        return new JsonObject
        {
            ["cluster"] = new JsonObject
            {
                ["clusterId"] = cluster.ClusterId,
                ["serviceId"] = cluster.ServiceId,
                ["clustering"] = "adonet",
                ["adoNet"] = adoNet,
            },
            ["models"] = models,
            ["talker"] = new JsonObject
            {
                ["engine"] = talker.Engine.Name(),
                ["contextPerSequence"] = talker.ContextPerSequence,
                ["maxSequences"] = talker.MaxSequences,
                ["threads"] = talker.Threads,
            },
            // threads (0) is left to each board's core count, like the vocoder's threads.
            ["predictor"] = new JsonObject { ["maxBatch"] = new PredictorOptions().MaxBatch, ["gatherMicroseconds"] = new PredictorOptions().GatherMicroseconds, ["threads"] = 0 },
            // Threads are left to each board's core count; contextFrames matters only with "engine": "onnx".
            ["vocoder"] = new JsonObject
            {
                ["engine"] = new VocoderOptions().Engine.Name(),
                ["firstChunkFrames"] = new VocoderOptions().FirstChunkFrames,
                ["chunkFrames"] = VocoderOptions.DefaultNativeChunkFrames,
                ["contextFrames"] = new VocoderOptions().ContextFrames,
            },
            ["silos"] = new JsonArray([.. boards.Select(board => (JsonNode)new JsonObject
            {
                ["name"] = board.Name,
                ["roles"] = new JsonArray([.. board.Roles.Select(role => (JsonNode)JsonValue.Create(role))]),
                ["host"] = board.Host.ToString(),
                ["siloPort"] = entry.SiloPort,
                ["gatewayPort"] = entry.GatewayPort,
            })]),
        };
    }

    private static void PrintNextSteps(TextWriter output, TextWriter error, string path, IReadOnlyList<Board> boards, string? connectionString)
    {
        var variable = new AdoNetSection().ConnectionStringVariable;
        var file = Path.GetFileName(path);
        output.WriteLine($"wrote {Path.GetFullPath(path)}: {boards.Count} silo(s), membership in PostgreSQL (clustering \"adonet\")");
        output.WriteLine();
        output.WriteLine("1. Once, on a machine that reaches the database, create the membership tables:");
        if (connectionString is null)
        {
            output.WriteLine($"     export {variable}='Host=...;Database=qwen3tts;Username=qwen3tts;Password=...'");
            output.WriteLine("     qwen3-tts cluster init-db");
        }
        else
        {
            output.WriteLine($"     qwen3-tts cluster init-db --connection-string {ShellQuote(connectionString)}");
        }
        output.WriteLine($"2. Copy {file} to every board and start its silo there{(connectionString is null ? $" (with ${variable} set)" : "")}:");
        var width = boards.Max(b => b.Host.ToString().Length);
        foreach (var board in boards)
        {
            output.WriteLine($"     {board.Host.ToString().PadRight(width)}  qwen3-tts silo --config {file} --silo {board.Name}");
        }

        // A loopback address in a cluster that spans machines is advertised to boards that cannot reach it.
        if (boards.Any(b => IPAddress.IsLoopback(b.Host)) && boards.Any(b => !IPAddress.IsLoopback(b.Host)))
        {
            foreach (var board in boards.Where(b => IPAddress.IsLoopback(b.Host)))
            {
                error.WriteLine($"warning: silo '{board.Name}' advertises {board.Host}, which the other boards cannot reach; give that board's LAN address");
            }
        }
    }

    private static string ShellQuote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
