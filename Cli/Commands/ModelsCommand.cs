using System.CommandLine;

namespace Qwen3Tts.Cli.Commands;

/// <summary>`qwen3-tts models ...`: list, pull and synthesize model sets.</summary>
internal static class ModelsCommand
{
    public static Command Create()
    {
        var models = new Command("models", "Manage model files (list, pull from Hugging Face, write synthetic models)");
        models.Subcommands.Add(ModelsPullCommand.Create());
        models.Subcommands.Add(ModelsListCommand.Create());
        models.Subcommands.Add(ModelsSynthCommand.Create());
        models.Subcommands.Add(ModelsVerifyCommand.Create());
        return models;
    }
}
