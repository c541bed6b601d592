using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;
using Qwen3Tts.Cli.Speech;
using Qwen3Tts.Inference.Voices;
using Qwen3Tts.Inference.Voices.Cloning;

namespace Qwen3Tts.Cli.Mcp;

/// <summary>
/// The MCP server process: stdout carries JSON-RPC and nothing else, so every log line goes to stderr
/// (the logger factory the command passes in is configured that way, and the host uses that same factory).
/// </summary>
internal static class McpServerHost
{
    public const string ServerName = "qwen3-tts";

    public static async Task<int> RunAsync(McpServerSettings settings, ILoggerFactory logging, CancellationToken cancellationToken)
    {
        var output = OpenOutputDirectory(settings.OutputDirectory);
        var voices = new VoiceLibrary(settings.VoicesDirectory);
        var logger = logging.CreateLogger("qwen3-tts.mcp");

        // Models load (or the cluster is reached) before the first JSON-RPC message is read. A client then
        // waits a few seconds longer for `initialize`, well inside its start-up timeout, but a missing or
        // broken model is reported on stderr with exit code 3 at once, where whoever configured the client
        // sees it, instead of surfacing later as a failed tool call in the middle of a conversation.
        await using var backend = await SpeechBackends.OpenAsync(settings.ClusterConfig, settings.ModelsDirectory, logging, cancellationToken).ConfigureAwait(false);

        // No default configuration sources: an appsettings.json in whatever directory the client starts us in must not change the server.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.Replace(ServiceDescriptor.Singleton(logging));
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        builder.Services.AddSingleton(new TtsToolsContext(backend, voices, output));
        // Clips are encoded where speech is made: with the same models, or by the same cluster.
        builder.Services.AddSingleton(new CloneVoiceContext(backend.VoiceEncoding, voices, new InputPaths(settings.InputDirectory ?? output.Root), new CloneLimits()));
        builder.Services
            .AddMcpServer(options =>
            {
                options.ServerInfo = new Implementation { Name = ServerName, Title = "Qwen3-TTS speech synthesis", Version = Version };
                options.ServerInstructions = $"Local text-to-speech. Call {TtsTools.ListVoicesName} for voice and language names, then {TtsTools.TextToSpeechName}; " +
                    $"{CloneVoiceTool.Name} saves a new voice from a short recording.";
            })
            .WithStdioServerTransport()
            .WithTools<TtsTools>()
            .WithTools<CloneVoiceTool>();
        var host = builder.Build();

        logger.LogInformation("MCP server on stdio: speech {Backend}; voices {Voices} from {VoicesDirectory}; output directory {Output}",
            backend.Description, string.Join(", ", voices.List()), settings.VoicesDirectory, output.Root);
        // Ends when the client closes stdin, or on Ctrl-C / SIGTERM.
        await host.RunAsync(cancellationToken).ConfigureAwait(false);
        return CliExitCodes.Ok;
    }

    private static string Version =>
        typeof(McpServerHost).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>Created if missing, so a fresh client configuration works on its first run.</summary>
    private static OutputPaths OpenOutputDirectory(string directory)
    {
        if (File.Exists(directory))
        {
            throw new ArgumentException($"--output-dir {directory} is a file, not a directory");
        }
        Directory.CreateDirectory(directory);
        return new OutputPaths(directory);
    }
}
