using System.CommandLine;
using Qwen3Tts.Inference.Models.Store;

namespace Qwen3Tts.Cli.Commands;

/// <summary>`qwen3-tts models verify`: load every role through the real loaders and report.</summary>
internal static class ModelsVerifyCommand
{
    public static Command Create()
    {
        var modelsOption = ModelsListCommand.ModelsDirectoryOption();
        var vocoderOption = ModelsListCommand.VocoderOption();
        var command = new Command("verify", "Load every role's models as a silo would, and report what works (exit 3 if any role fails)");
        command.Options.Add(modelsOption);
        command.Options.Add(vocoderOption);
        var quant = SpeakCommand.QuantOption();
        command.Options.Add(quant);
        command.SetAction((ParseResult result) =>
        {
            var store = new ModelStore(new ModelStoreOptions
            {
                ModelsDirectory = ModelsListCommand.ModelsDirectory(result.GetValue(modelsOption)),
                Vocoder = ModelsListCommand.VocoderEngine(result.GetValue(vocoderOption)),
            });
            var output = result.InvocationConfiguration.Output;
            output.WriteLine($"Models directory: {store.Options.ModelsDirectory}");
            output.WriteLine(ModelsListCommand.DescribeLayout(store));
            var checks = ModelSetVerifier.Verify(store, quant: result.GetValue(quant));
            foreach (var check in checks)
            {
                output.WriteLine($"  {(check.Ok ? "ok    " : "FAILED")} {check.Role.CliName(),-16} {check.Elapsed.TotalSeconds,6:F2} s  {check.Detail}");
            }
            return checks.All(c => c.Ok) ? 0 : 3;
        });
        return command;
    }
}
