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
        var available = new Option<bool>("--available") { Description = "List the model repositories `models pull --repo` knows, with their sizes" };
        var command = new Command("list", "Show the models directory's layout and variant, and each role's files: present or missing, with sizes");
        command.Options.Add(modelsOption);
        command.Options.Add(vocoderOption);
        command.Options.Add(available);
        command.SetAction((ParseResult result) =>
        {
            if (result.GetValue(available))
            {
                PrintAvailable(result.InvocationConfiguration.Output);
                return CliExitCodes.Ok;
            }
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

    private static void PrintAvailable(TextWriter output)
    {
        output.WriteLine("Official snapshots (`qwen3-tts models pull --repo REPO --models DIR`):");
        var width = OfficialRepositories.Known.Max(r => r.Id.Length);
        foreach (var repo in OfficialRepositories.Known)
        {
            output.WriteLine($"  {repo.Id.PadRight(width)}  {repo.ApproximateSize,-26}  {repo.Description}");
        }
        output.WriteLine();
        output.WriteLine($"Seed layout (`qwen3-tts models pull --role all`): {ModelStoreOptions.DefaultRepository} (0.6B Base, converted GGUF/npy/ONNX)");
    }

    /// <summary>"layout: official snapshot, 1.7B CustomVoice" — or why the config could not be read.</summary>
    internal static string DescribeLayout(ModelStore store)
    {
        try
        {
            var model = Inference.Checkpoints.ModelSetLoader.Describe(store);
            return model.Layout == Inference.Models.ModelSetLayout.Official
                ? $"Layout: official snapshot, {model.Size} {model.Variant}" +
                  (model.Speakers.Count > 0 ? $" (speakers: {string.Join(", ", model.Speakers)})" : "") +
                  (model.AcceptsInstructions ? ", takes instructions" : "")
                : "Layout: seed (kautism/qwen3-tts-rk3588), 0.6B Base";
        }
        catch (Inference.ModelFormatException e)
        {
            return $"Layout: official snapshot, config.json unreadable: {e.Message}";
        }
    }

    /// <summary>Writes the report; returns whether every role has all its required files.</summary>
    private static bool Print(ModelStore store, TextWriter output)
    {
        output.WriteLine($"Models directory: {store.Options.ModelsDirectory}");
        output.WriteLine(DescribeLayout(store));
        var allComplete = true;
        foreach (var role in ModelRoleNames.All)
        {
            var files = store.Inspect(role);
            var missingRequired = files.Count(file => file.Required && !file.Present);
            allComplete &= missingRequired == 0;
            output.WriteLine();
            output.WriteLine(missingRequired == 0
                ? $"{role.CliName()}: complete"
                : store.Layout == Inference.Models.ModelSetLayout.Official
                    ? $"{role.CliName()}: incomplete, {missingRequired} required file(s) missing ({OfficialModelLayout.Fix(store.Options.ModelsDirectory, files.Where(f => f.Required && !f.Present).ToList())})"
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
