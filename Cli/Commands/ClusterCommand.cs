using System.CommandLine;
using Qwen3Tts.Silo.Database;

namespace Qwen3Tts.Cli.Commands;

/// <summary>`qwen3-tts cluster init-db`: prepares the PostgreSQL database that multi-board silos meet through.</summary>
internal static class ClusterCommand
{
    // Same variable cluster.json's adoNet.connectionStringVariable names by default, so one export serves both.
    private const string ConnectionStringVariable = "QWEN3_TTS_DB";

    public static Command Create()
    {
        var command = new Command("cluster", "Multi-board cluster administration");
        command.Subcommands.Add(CreateInitDb());
        return command;
    }

    private static Command CreateInitDb()
    {
        var connectionString = new Option<string?>("--connection-string", "-c")
        {
            Description = $"PostgreSQL connection string (Host=...;Database=...;Username=...;Password=...); default: ${ConnectionStringVariable}",
        };
        var command = new Command("init-db", "Create (or update) the Orleans membership tables, functions and queries in a PostgreSQL database")
        {
            connectionString,
        };
        command.SetAction(async (parse, ct) =>
        {
            var chosen = parse.GetValue(connectionString) is { Length: > 0 } given ? given
                : Environment.GetEnvironmentVariable(ConnectionStringVariable) is { Length: > 0 } fromEnv ? fromEnv
                : throw new ArgumentException($"give --connection-string or set {ConnectionStringVariable}");
            await PostgresClusteringSchemaApplier.ApplyAsync(chosen, ct);
            Console.Error.WriteLine($"membership schema applied ({PostgresClusteringSchema.RequiredQueryKeys.Count} queries); set cluster.clustering to \"adonet\" in cluster.json");
            return CliExitCodes.Ok;
        });
        return command;
    }
}
