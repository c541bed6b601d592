using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Qwen3Tts.Inference.Models.Store;

namespace Qwen3Tts.Cli.Commands;

/// <summary>`qwen3-tts models pull`: download a role's files from Hugging Face into the models directory.</summary>
internal static class ModelsPullCommand
{
    private const int UsageError = CliExitCodes.Usage;
    private const int DownloadError = CliExitCodes.Download;

    public static Command Create()
    {
        var roleOption = new Option<string>("--role", "-r")
        {
            Description = "Which files to download: talker, predictor, vocoder, speech-tokenizer or all",
            DefaultValueFactory = _ => "all",
        };
        var modelsOption = ModelsListCommand.ModelsDirectoryOption();
        var repoOption = new Option<string>("--repo")
        {
            Description = "Hugging Face repository: the seed layout's (default), or an official snapshot such as Qwen/Qwen3-TTS-12Hz-0.6B-Base (see `models list --available`)",
            DefaultValueFactory = _ => ModelStoreOptions.DefaultRepository,
        };
        var revisionOption = new Option<string>("--revision")
        {
            Description = "Branch, tag or commit of the repository",
            DefaultValueFactory = _ => "main",
        };
        var quantOption = new Option<string>("--quant", "-q")
        {
            Description = "Code-predictor quantisation to download: q8 or q4",
            DefaultValueFactory = _ => "q8",
        };

        var vocoderOption = ModelsListCommand.VocoderOption();
        var command = new Command("pull", $"Download model files from Hugging Face (mirror: ${ModelStoreOptions.EndpointVariable}, token: ${ModelStoreOptions.TokenVariable})");
        command.Options.Add(roleOption);
        command.Options.Add(modelsOption);
        command.Options.Add(repoOption);
        command.Options.Add(revisionOption);
        command.Options.Add(quantOption);
        command.Options.Add(vocoderOption);
        command.SetAction(async (ParseResult result, CancellationToken ct) =>
        {
            var error = result.InvocationConfiguration.Error;
            var repository = result.GetValue(repoOption)!;
            if (OfficialRepositories.IsOfficial(repository))
            {
                if (result.GetResult(roleOption) is { Implicit: false } || result.GetResult(quantOption) is { Implicit: false })
                {
                    error.WriteLine("--role and --quant select files of the seed layout; an official snapshot is pulled whole (choose the precision at load time with --quant on speak/serve/silo)");
                    return UsageError;
                }
                var official = new ModelStoreOptions
                {
                    ModelsDirectory = ModelsListCommand.ModelsDirectory(result.GetValue(modelsOption)),
                    Repository = repository,
                    Revision = result.GetValue(revisionOption)!,
                };
                return await PullOfficialAsync(official, error, ct);
            }
            var roleText = result.GetValue(roleOption)!;
            IReadOnlyList<ModelRole> roles;
            if (string.Equals(roleText, "all", StringComparison.OrdinalIgnoreCase))
            {
                roles = ModelRoleNames.All;
            }
            else if (ModelRoleNames.TryParseRole(roleText, out var role))
            {
                roles = [role];
            }
            else
            {
                error.WriteLine($"unknown --role '{roleText}': expected talker, predictor, vocoder, speech-tokenizer or all");
                return UsageError;
            }

            if (!ModelRoleNames.TryParseQuant(result.GetValue(quantOption)!, out var quant))
            {
                error.WriteLine($"unknown --quant '{result.GetValue(quantOption)}': expected q8 or q4");
                return UsageError;
            }

            var options = new ModelStoreOptions
            {
                ModelsDirectory = ModelsListCommand.ModelsDirectory(result.GetValue(modelsOption)),
                Repository = result.GetValue(repoOption)!,
                Revision = result.GetValue(revisionOption)!,
                Quant = quant,
                Vocoder = ModelsListCommand.VocoderEngine(result.GetValue(vocoderOption)),
            };
            return await PullAsync(options, roles, error, ct);
        });
        return command;
    }

    private static async Task<int> PullAsync(ModelStoreOptions options, IReadOnlyList<ModelRole> roles, TextWriter error, CancellationToken ct)
    {
        error.WriteLine($"Pulling {string.Join(", ", roles.Select(r => r.CliName()))} from {options.Endpoint}/{options.Repository} ({options.Revision}) into {options.ModelsDirectory}");
        return await RunAsync(options, error, async (http, loggers, display) =>
        {
            var downloader = new HuggingFaceDownloader(http, options, loggers.CreateLogger<HuggingFaceDownloader>());
            foreach (var role in roles)
            {
                await downloader.PullRoleAsync(role, display, ct);
                display.Finish();
                error.WriteLine($"{role.CliName()}: complete");
            }
        }, ct);
    }

    private static async Task<int> PullOfficialAsync(ModelStoreOptions options, TextWriter error, CancellationToken ct)
    {
        error.WriteLine($"Pulling the snapshot {options.Endpoint}/{options.Repository} ({options.Revision}) into {options.ModelsDirectory}");
        return await RunAsync(options, error, async (http, loggers, display) =>
        {
            await new OfficialSnapshotPuller(http, options, loggers).PullAsync(display, ct);
            display.Finish();
            error.WriteLine($"{options.Repository}: complete (`qwen3-tts models verify --models {options.ModelsDirectory}` loads it)");
        }, ct);
    }

    /// <summary>The shared frame of a pull: HTTP client, logging, progress display, and the error messages and exit codes.</summary>
    private static async Task<int> RunAsync(ModelStoreOptions options, TextWriter error, Func<HttpClient, ILoggerFactory, ProgressDisplay, Task> pull, CancellationToken ct)
    {
        using var loggers = LoggerFactory.Create(builder => builder
            .SetMinimumLevel(LogLevel.Warning)
            .AddSimpleConsole(console => console.SingleLine = true)
            .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace));
        // Redirects are followed by the downloader itself: HF puts the LFS size and sha256 on the redirect.
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, ConnectTimeout = TimeSpan.FromSeconds(30) })
        {
            Timeout = TimeSpan.FromMinutes(2),
        };
        var display = new ProgressDisplay(error, interactive: ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected);
        try
        {
            await pull(http, loggers, display);
            return 0;
        }
        catch (ModelDownloadException ex)
        {
            display.Finish();
            error.WriteLine($"error: {ex.Message}");
            return DownloadError;
        }
        catch (IOException ex)
        {
            display.Finish();
            error.WriteLine($"error: cannot write into {options.ModelsDirectory}: {ex.Message}");
            return CliExitCodes.Failed;
        }
        catch (UnauthorizedAccessException ex)
        {
            display.Finish();
            error.WriteLine($"error: cannot write into {options.ModelsDirectory}: {ex.Message}");
            return CliExitCodes.Failed;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            display.Finish();
            error.WriteLine("cancelled; partial downloads are kept as .part files and resume on the next pull");
            return CliExitCodes.Cancelled;
        }
    }

    /// <summary>
    /// One updating line per file on a terminal; on a pipe or log file, a line every few seconds
    /// so logs stay readable.
    /// </summary>
    private sealed class ProgressDisplay(TextWriter writer, bool interactive) : IProgress<DownloadProgress>
    {
        private static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(5);
        private readonly Stopwatch clock = Stopwatch.StartNew();
        private string? currentFile;
        private TimeSpan? lastLine;
        private int lastWidth;

        public void Report(DownloadProgress value)
        {
            if (value.File != currentFile)
            {
                Finish();
                currentFile = value.File;
                lastLine = null;
            }

            var complete = value.BytesTotal == value.BytesDone;
            var line = Describe(value, complete);
            if (interactive)
            {
                writer.Write("\r" + line.PadRight(lastWidth));
                lastWidth = line.Length;
                if (complete)
                {
                    Finish();
                }
            }
            else if (complete || lastLine is null || clock.Elapsed - lastLine >= LogInterval)
            {
                lastLine = clock.Elapsed;
                writer.WriteLine(line);
                if (complete)
                {
                    currentFile = null;
                }
            }
        }

        /// <summary>Ends an updating line so the next output starts on its own line.</summary>
        public void Finish()
        {
            if (interactive && lastWidth > 0)
            {
                writer.WriteLine();
            }

            lastWidth = 0;
            currentFile = null;
        }

        private static string Describe(DownloadProgress value, bool complete)
        {
            var done = ModelsListCommand.FormatSize(value.BytesDone);
            if (complete && value.BytesPerSecond == 0)
            {
                return $"{value.File}  {done}  already present";
            }

            var rate = string.Create(CultureInfo.InvariantCulture, $"{value.BytesPerSecond / (1 << 20):0.0} MiB/s");
            if (value.BytesTotal is { } total && total > 0)
            {
                var percent = string.Create(CultureInfo.InvariantCulture, $"{100.0 * value.BytesDone / total,5:0.0}%");
                return $"{value.File}  {percent}  {done} / {ModelsListCommand.FormatSize(total)}  {rate}{(complete ? "  done" : "")}";
            }

            return $"{value.File}  {done}  {rate}";
        }
    }
}
