using Qwen3Tts.Silo.Database;

namespace Qwen3Tts.Tests.Cluster;

public sealed class PostgresClusteringSchemaTests
{
    [PostgresFact]
    public async Task TheSchemaHoldsEveryRequiredQueryAndCanBeAppliedTwice()
    {
        await using var database = await PostgresTestDatabase.CreateAsync(PostgresFactAttribute.ConnectionString);
        await PostgresClusteringSchemaApplier.ApplyAsync(database.ConnectionString);

        foreach (var key in PostgresClusteringSchema.RequiredQueryKeys)
        {
            Assert.Equal(1L, await database.ScalarAsync<long>($"SELECT count(*) FROM OrleansQuery WHERE QueryKey = '{key}'"));
        }
    }

    [PostgresFact]
    public async Task InsertingASiloWithAStaleVersionChangesNothing()
    {
        await using var database = await PostgresTestDatabase.CreateAsync(PostgresFactAttribute.ConnectionString);
        const string insert = "SELECT row_count FROM qwen3tts_add_silo('d', '10.0.0.1', 11111, 1, 's', 'h', 3, 30000, now(), now(), {0})";

        Assert.Equal(1, await database.ScalarAsync<int>("SELECT row_count FROM qwen3tts_add_deployment('d')"));
        Assert.Equal(0, await database.ScalarAsync<int>("SELECT row_count FROM qwen3tts_add_deployment('d')"));
        Assert.Equal(1, await database.ScalarAsync<int>(string.Format(insert, 0)));
        Assert.Equal(0, await database.ScalarAsync<int>(string.Format(insert, 0)));
        // Same row again with the current version: the duplicate is refused and the version bump undone.
        Assert.Equal(0, await database.ScalarAsync<int>(string.Format(insert, 1)));
        Assert.Equal(1, await database.ScalarAsync<int>("SELECT Version FROM OrleansMembershipVersionTable WHERE DeploymentId = 'd'"));
        Assert.Equal(1L, await database.ScalarAsync<long>("SELECT count(*) FROM OrleansMembershipTable"));
    }

    [Fact]
    public async Task AnUnreachableServerIsReportedWithItsAddress()
    {
        var error = await Assert.ThrowsAsync<PostgresUnreachableException>(() =>
            PostgresClusteringSchemaApplier.ApplyAsync("Host=127.0.0.1;Port=1;Database=none;Username=x;Password=y;Timeout=3"));

        Assert.StartsWith("cannot connect to PostgreSQL (127.0.0.1:1, database 'none')", error.Message);
    }
}
