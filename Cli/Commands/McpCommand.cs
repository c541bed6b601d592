using System.CommandLine;
using Microsoft.Extensions.Logging;
using Qwen3Tts.Cli.Mcp;
using Qwen3Tts.Inference.Models.Store;

namespace Qwen3Tts.Cli.Commands;

/// <summary>`qwen3-tts mcp`: a Model Context Protocol server on stdio with the text_to_speech, list_voices and clone_voice tools.</summary>
internal static class McpCommand
{
    public static Command Create()
    {
        var models = ModelsListCommand.ModelsDirectoryOption();
        var cluster = Speech.SpeechBackends.ClusterOption();
        var voices = new Option<string?>("--voices")
        {
            Description = $"Voice library: NAME.json / NAME.npy profiles offered by name (default: {McpServerSettings.DefaultVoicesDirectory})",
        };
        var outputDirectory = new Option<string?>("--output-dir")
        {
            Description = "The only directory text_to_speech may write files into; created if missing (default: the current directory)",
        };
        var inputDirectory = new Option<string?>("--input-dir")
        {
            Description = "The only directory clone_voice may read clip files from (default: the output directory); clips may also come inline in base64",
        };

        var command = new Command("mcp", "Serve text-to-speech to MCP clients (Claude Desktop, IDEs) over stdio; logs go to stderr")
        {
            models, cluster, voices, outputDirectory, inputDirectory,
        };
        command.SetAction(async (parse, ct) =>
        {
            var settings = new McpServerSettings(
                parse.GetValue(models),
                Speech.SpeechBackends.ClusterConfig(parse.GetValue(cluster)),
                FullPath(parse.GetValue(voices)) ?? McpServerSettings.DefaultVoicesDirectory,
                FullPath(parse.GetValue(outputDirectory)) ?? Directory.GetCurrentDirectory(),
                FullPath(parse.GetValue(inputDirectory)));
            using var logging = CliLogging.Create(parse, LogLevel.Information);
            return await McpServerHost.RunAsync(settings, logging, ct);
        });
        return command;
    }

    // MCP clients start the server without a shell, so "~" in their configuration arrives unexpanded.
    private static string? FullPath(string? option) =>
        option is null ? null : Path.GetFullPath(ModelStoreOptions.ExpandHome(option));
}
