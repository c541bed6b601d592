using System.CommandLine;
using System.Globalization;
using Qwen3Tts.Inference.Models.Store;
using Qwen3Tts.Inference.Vocoder;

namespace Qwen3Tts.Cli.Commands;

/// <summary>`qwen3-tts models list`: what each role needs, what is present, and how big it is.</summary>
internal static class ModelsListCommand
{
    public static Command Create()
    {
        var modelsOption = ModelsDirectoryOption();
        var vocoderOption = VocoderOption();
        var command = new Command("list", "Show each role's model files: present or missing, and their sizes");
        command.Options.Add(modelsOption);
        command.Options.Add(vocoderOption);
        command.SetAction((ParseResult result) =>
        {
            var options = new ModelStoreOptions
            {
                ModelsDirectory = ModelsDirectory(result.GetValue(modelsOption)),
                Vocoder = VocoderEngine(result.GetValue(vocoderOption)),
            };
            return Print(new ModelStore(options), result.InvocationConfiguration.Output) ? CliExitCodes.Ok : CliExitCodes.ModelFiles;
        });
        return command;
    }

    /// <summary>The `--models DIR` option shared by the models subcommands.</summary>
    internal static Option<string?> ModelsDirectoryOption() => new("--models", "-m")
    {
        Description = $"Models directory (default: ${ModelStoreOptions.ModelsDirectoryVariable} or ~/.local/share/qwen3-tts/models)",
    };

    /// <summary>`--vocoder native|onnx`: which vocoder's files the vocoder role uses (default: native, the exact decoder).</summary>
    internal static Option<string?> VocoderOption()
    {
        var option = new Option<string?>("--vocoder")
        {
            Description = "Vocoder engine: native (the exact streaming decoder of speech_tokenizer/model.safetensors, default) or onnx (the seed's vocoder/vocoder.onnx)",
        };
        option.Validators.Add(result =>
        {
            if (result.Tokens is [{ Value: var value }] && !VocoderEngines.TryParse(value, out _))
            {
                result.AddError($"--vocoder '{value}' is not a vocoder engine; use native or onnx");
            }
        });
        return option;
    }

    /// <summary>The engine `--vocoder` names (null = native); an unknown name is a usage error.</summary>
    internal static VocoderEngine VocoderEngine(string? option) =>
        option is null ? Inference.Vocoder.VocoderEngine.Native
        : VocoderEngines.TryParse(option, out var engine) ? engine
        : throw new ArgumentException($"--vocoder '{option}' is not a vocoder engine; use native or onnx");

    internal static string ModelsDirectory(string? option) =>
        option is null ? ModelStoreOptions.DefaultModelsDirectory : Path.GetFullPath(ModelStoreOptions.ExpandHome(option));

    /// <summary>Writes the report; returns whether every role has all its required files.</summary>
    private static bool Print(ModelStore store, TextWriter output)
    {
        output.WriteLine($"Models directory: {store.Options.ModelsDirectory}");
        var allComplete = true;
        foreach (var role in ModelRoleNames.All)
        {
            var files = store.Inspect(role);
            var missingRequired = files.Count(file => file.Required && !file.Present);
            allComplete &= missingRequired == 0;
            output.WriteLine();
            output.WriteLine(missingRequired == 0
                ? $"{role.CliName()}: complete"
                : $"{role.CliName()}: incomplete, {missingRequired} required file(s) missing (fix: qwen3-tts models pull --role {role.CliName()})");

            var nameWidth = files.Max(file => file.Name.Length);
            foreach (var file in files)
            {
                var state = file.Present ? "present" : file.Required ? "MISSING" : "absent";
                var size = file.SizeBytes is { } bytes ? FormatSize(bytes) : "";
                var note = !file.Present && file.WhenMissing is { } why ? $"  (optional: {why})" : "";
                output.WriteLine($"  {state,-8} {size,10}  {file.Name.PadRight(nameWidth)}  {file.Path}{note}");
            }
        }

        return allComplete;
    }

    internal static string FormatSize(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.00} GiB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.0} MiB"),
        >= 1L << 10 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 10):0.0} KiB"),
        _ => $"{bytes} B",
    };
}
