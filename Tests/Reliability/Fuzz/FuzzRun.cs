using System.Diagnostics;
using Xunit.Abstractions;

namespace Qwen3Tts.Tests.Reliability.Fuzz;

/// <summary>
/// Feeds a parser its mutated inputs and keeps what went wrong: an exception other than the parser's own clear
/// error (an IndexOutOfRange, an overflow, an out-of-memory from a length taken on trust...), or an input that took
/// longer than <see cref="HangLimit"/> (a loop on a bad length). Iterations: a few hundred in every dotnet test,
/// <c>QWEN3_TTS_FUZZ_ITERATIONS</c> in the reliability suite.
/// </summary>
public sealed class FuzzRun(string parser, ITestOutputHelper output)
{
    public static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(10);

    /// <param name="most">The cap for inputs that each cost a synthesis or a round trip (HTTP, MCP).</param>
    public static int Iterations(int quick, int most = int.MaxValue) =>
        int.TryParse(Environment.GetEnvironmentVariable("QWEN3_TTS_FUZZ_ITERATIONS"), out var n) && n > 0 ? Math.Min(n, Math.Max(most, quick)) : quick;

    private readonly List<string> _failures = [];
    private int _accepted;
    private int _refused;
    private TimeSpan _slowest;

    /// <summary>Runs <paramref name="parse"/> on <paramref name="input"/>; <paramref name="isClearError"/> says which exceptions are the parser's own refusals.</summary>
    public async Task TryAsync(string what, Func<Task> parse, Func<Exception, bool> isClearError)
    {
        var clock = Stopwatch.StartNew();
        var run = Task.Run(parse);
        try
        {
            await run.WaitAsync(HangLimit);
            _accepted++;
        }
        catch (TimeoutException) when (!run.IsCompleted)
        {
            _failures.Add($"{what}: no answer within {HangLimit.TotalSeconds} s");
            return;
        }
        catch (Exception e) when (isClearError(e))
        {
            _refused++;
            if (string.IsNullOrWhiteSpace(e.Message))
            {
                _failures.Add($"{what}: {e.GetType().Name} without a message");
            }
        }
        catch (Exception e)
        {
            _failures.Add($"{what}: {e.GetType().FullName}: {e.Message}{(e.InnerException is { } inner ? $" ({inner.GetType().Name}: {inner.Message})" : "")}");
        }
        if (clock.Elapsed > _slowest)
        {
            _slowest = clock.Elapsed;
        }
    }

    /// <summary>Reports the counts (and the reliability suite's summary line) and fails with the first problems found.</summary>
    public void AssertClean()
    {
        ReliabilityReport.Record(output, $"fuzz {parser}: {_accepted + _refused + _failures.Count} inputs, {_refused} refused with a clear error, {_accepted} accepted, {_failures.Count} bad; slowest {_slowest.TotalMilliseconds:F0} ms");
        Assert.True(_failures.Count == 0, $"{parser}: {_failures.Count} inputs went wrong:\n" + string.Join("\n", _failures.Take(20)));
    }
}
