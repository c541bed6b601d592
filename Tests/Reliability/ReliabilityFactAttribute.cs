namespace Qwen3Tts.Tests.Reliability;

/// <summary>
/// A test of the longer reliability suite (real silo processes killed and restarted, load runs, long fuzzing):
/// minutes, not seconds, so the plain <c>dotnet test</c> skips it and <c>.ci/reliability.sh</c> runs it with
/// <c>QWEN3_TTS_RELIABILITY=1</c>. The short versions of the same checks run in every <c>dotnet test</c>.
/// </summary>
public sealed class ReliabilityFactAttribute : FactAttribute
{
    public const string Variable = "QWEN3_TTS_RELIABILITY";

    public ReliabilityFactAttribute()
    {
        if (!Enabled)
        {
            Skip = $"part of the reliability suite: run bash .ci/reliability.sh (or set {Variable}=1)";
        }
    }

    public static bool Enabled => Environment.GetEnvironmentVariable(Variable) == "1";
}

/// <summary>A theory of the longer reliability suite; see <see cref="ReliabilityFactAttribute"/>.</summary>
public sealed class ReliabilityTheoryAttribute : TheoryAttribute
{
    public ReliabilityTheoryAttribute()
    {
        if (!ReliabilityFactAttribute.Enabled)
        {
            Skip = $"part of the reliability suite: run bash .ci/reliability.sh (or set {ReliabilityFactAttribute.Variable}=1)";
        }
    }
}

/// <summary>The figures a reliability test measured, for the suite's summary (<c>QWEN3_TTS_RELIABILITY_REPORT</c>, one line each).</summary>
public static class ReliabilityReport
{
    private static readonly object Gate = new();

    public static void Record(Xunit.Abstractions.ITestOutputHelper output, string line)
    {
        output.WriteLine(line);
        if (Environment.GetEnvironmentVariable("QWEN3_TTS_RELIABILITY_REPORT") is { Length: > 0 } path)
        {
            lock (Gate)
            {
                File.AppendAllText(path, line + Environment.NewLine);
            }
        }
    }
}
