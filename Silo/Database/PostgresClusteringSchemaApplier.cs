using Npgsql;

namespace Qwen3Tts.Silo.Database;

/// <summary>Applies <see cref="PostgresClusteringSchema"/> to a PostgreSQL database in one transaction.</summary>
public static class PostgresClusteringSchemaApplier
{
    public static async Task ApplyAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var target = new NpgsqlConnectionStringBuilder(connectionString);
        await using var connection = new NpgsqlConnection(target.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException)
        {
            throw new PostgresUnreachableException($"cannot connect to PostgreSQL ({target.Host}:{target.Port}, database '{target.Database}'): {e.Message}", e);
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = new NpgsqlCommand(PostgresClusteringSchema.Script, connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }
}

/// <summary>The database server could not be reached or refused the login.</summary>
public sealed class PostgresUnreachableException(string message, Exception inner) : Exception(message, inner);
