namespace Qwen3Tts.Tests.Cluster;

/// <summary>
/// A fact that needs a PostgreSQL server named by <c>QWEN3_TTS_TEST_DB</c>. Without it the test is skipped
/// on a developer machine, but on CI (<c>CI</c> set) it runs and fails, so a missing database cannot pass silently.
/// </summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public const string Variable = "QWEN3_TTS_TEST_DB";

    public PostgresFactAttribute()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable)) && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            Skip = $"set {Variable} to a PostgreSQL connection string (a role allowed to create databases) to run this test";
        }
    }

    public static string ConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{Variable} is not set: CI must provide a PostgreSQL connection string (see .ci/postgres.sh)");
}
