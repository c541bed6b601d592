using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using Microsoft.Extensions.Logging;
using Qwen3Tts.Cli.Commands;

namespace Qwen3Tts.Cli;

/// <summary>
/// The whole command line: the root command (with the `qwen3-tts "text"` shorthand for `speak`),
/// the subcommands, and the mapping of failures to one line on stderr and an exit code.
/// </summary>
internal static class CliApp
{
    private const string VerboseName = "--verbose";

    public static RootCommand CreateRoot()
    {
        // Hidden because System.CommandLine lists a root argument in every subcommand's help too; the
        // root description says how to use it instead.
        var text = new Argument<string?>("text") { Description = "Text to speak into output.wav (shorthand for `speak TEXT`)", Arity = ArgumentArity.ZeroOrOne, Hidden = true };
        // Without this an unknown option such as `--bogus` would silently become the text to speak.
        text.Validators.Add(result =>
        {
            if (result.Tokens is [{ Value: ['-', _, ..] value }])
            {
                result.AddError($"unknown option '{value}' (to speak text that starts with '-', use: qwen3-tts speak [options] -- TEXT)");
            }
        });
        var models = ModelsListCommand.ModelsDirectoryOption();
        var seed = SpeakCommand.SeedOption();
        var language = SpeakCommand.LanguageOption();
        var cluster = Speech.SpeechBackends.ClusterOption();

        var root = new RootCommand($"qwen3-tts: local, private, distributed Qwen3-TTS speech synthesis.\n  qwen3-tts \"TEXT\" speaks TEXT into output.wav (the shorthand for `speak`).\n{CliExitCodes.HelpText}");
        root.Arguments.Add(text);
        root.Options.Add(models);
        root.Options.Add(seed);
        root.Options.Add(language);
        root.Options.Add(cluster);
        // Recursive, so `speak ... --verbose` works too; also enabled by QWEN3_TTS_LOG=Debug.
        root.Options.Add(new Option<bool>(VerboseName) { Description = "Print the stack trace of an error", Recursive = true });
        foreach (var command in CommandCatalog.All())
        {
            root.Subcommands.Add(command);
        }

        root.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(text) is not { } spoken)
            {
                new HelpAction().Invoke(parse);
                return CliExitCodes.Usage;
            }
            var settings = new SpeakSettings(spoken, "output.wav", parse.GetValue(models))
            {
                Language = parse.GetValue(language)!,
                Seed = parse.GetValue(seed),
                ClusterConfig = Speech.SpeechBackends.ClusterConfig(parse.GetValue(cluster)),
            };
            using var logging = CliLogging.Create(parse, LogLevel.Warning);
            return await SpeakJob.RunAsync(settings, parse.InvocationConfiguration.Error, logging, ct);
        });
        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>; never throws for a failing command.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null, CancellationToken cancellationToken = default)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        var parse = CreateRoot().Parse(args);
        var configuration = new InvocationConfiguration
        {
            EnableDefaultExceptionHandler = false,
            // Ctrl-C is handled by the caller's token, so cleanup (temporary files) finishes before exit.
            ProcessTerminationTimeout = null,
            Output = output,
            Error = error,
        };

        if (parse.Errors.Count > 0 && parse.Action is ParseErrorAction)
        {
            // Our own report: one line per error in the user's terms (no .NET type names), and where to find usage.
            foreach (var message in ParseErrorMessages.Describe(parse))
            {
                error.WriteLine($"error: {message}");
            }
            error.WriteLine($"Run '{CommandPath(parse.CommandResult)} --help' for usage.");
            return CliExitCodes.Usage;
        }
        try
        {
            return await parse.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // A timeout inside a command also surfaces as OperationCanceledException; only ours means Ctrl-C.
            var code = ex is OperationCanceledException && !cancellationToken.IsCancellationRequested ? CliExitCodes.Failed : CliExitCodes.For(ex);
            if (code == CliExitCodes.Cancelled)
            {
                error.WriteLine("cancelled");
            }
            else
            {
                error.WriteLine($"error: {MessageOf(ex)}");
                if (ShowStackTraces(parse))
                {
                    error.WriteLine(ex.ToString());
                }
            }
            return code;
        }
    }

    /// <summary>The command as typed, subcommands included ("qwen3-tts bench talker"), for the usage hint.</summary>
    private static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? r = result; r is CommandResult { Command: var command }; r = r.Parent)
        {
            names.Add(command is RootCommand ? "qwen3-tts" : command.Name);
        }
        names.Reverse();
        return string.Join(' ', names);
    }

    // ArgumentException appends " (Parameter 'x')", which names a code parameter, not anything the user typed.
    private static string MessageOf(Exception exception) =>
        exception is ArgumentException { ParamName: { } name } argument
            ? argument.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal)
            : exception.Message;

    private static bool ShowStackTraces(ParseResult parse) =>
        parse.GetValue<bool>(VerboseName)
        || (Environment.GetEnvironmentVariable("QWEN3_TTS_LOG") is { } level
            && Enum.TryParse<LogLevel>(level, ignoreCase: true, out var parsed) && parsed <= LogLevel.Debug);
}
