using System.CommandLine;

namespace Qwen3Tts.Cli.Commands;

/// <summary>Every top-level command of the CLI, in the order `--help` lists them.</summary>
internal static class CommandCatalog
{
    public static IEnumerable<Command> All()
    {
        yield return SpeakCommand.Create();
        yield return EncodeVoiceCommand.Create();
        yield return VoicesCommand.Create();
        yield return ServeCommand.Create();
        yield return SiloCommand.Create();
        yield return ModelsCommand.Create();
        yield return TokenizeCommand.Create();
        yield return DecodeCommand.Create();
        yield return BenchCommand.Create();
        yield return InitCommand.Create();
        yield return ClusterCommand.Create();
        yield return McpCommand.Create();
    }
}
