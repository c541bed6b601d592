using System.CommandLine;
using Qwen3Tts.Cli.Commands;

var root = new RootCommand("qwen3-tts: local, private, distributed Qwen3-TTS speech synthesis");
foreach (var command in CommandCatalog.All())
{
    root.Subcommands.Add(command);
}

return await root.Parse(args).InvokeAsync();
