using Qwen3Tts.Cli;

namespace Qwen3Tts.Tests.Cli;

/// <summary>These tests swap Console.Out/Error and the current directory, so they never run beside other tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CliCollection
{
    public const string Name = "cli in-process";
}

/// <summary>The result of one in-process `qwen3-tts` run.</summary>
public sealed record CliRun(int ExitCode, string Output, string Error);

internal static class CliHarness
{
    public static async Task<CliRun> RunAsync(string[] args, CancellationToken cancellationToken = default)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var (previousOut, previousError) = (Console.Out, Console.Error);
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            var code = await CliApp.RunAsync(args, output, error, cancellationToken);
            return new CliRun(code, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(previousOut);
            Console.SetError(previousError);
        }
    }
}
