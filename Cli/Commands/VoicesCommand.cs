using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Qwen3Tts.Cli.Voices;
using Qwen3Tts.Inference.Models.Store;
using Qwen3Tts.Inference.Voices;
using Qwen3Tts.Inference.Voices.Cloning;

namespace Qwen3Tts.Cli.Commands;

/// <summary>
/// `qwen3-tts voices add|list|remove`: the voice library (a directory of named voice files) that `speak --voice NAME`,
/// the HTTP API and the MCP server take names from.
/// </summary>
internal static class VoicesCommand
{
    public static Command Create()
    {
        var voices = new Command("voices", "Manage the voice library: clone a voice from a clip under a name, list, remove");
        voices.Subcommands.Add(Add());
        voices.Subcommands.Add(List());
        voices.Subcommands.Add(Remove());
        return voices;
    }

    public static Option<string?> DirectoryOption() => new("--voices")
    {
        Description = $"Voice library directory (default: {VoiceLibrary.DefaultDirectory})",
    };

    public static string Directory(string? option) =>
        option is null ? VoiceLibrary.DefaultDirectory : Path.GetFullPath(ModelStoreOptions.ExpandHome(option));

    private static Command Add()
    {
        var name = new Argument<string>("name") { Description = $"The voice's name (letters, digits, '-', '_', '.'; at most {VoiceLibrary.MaxNameLength})" };
        var audio = new Option<string>("--audio", "-a") { Description = "Reference clip: WAV (PCM 8/16/24/32-bit or float, any rate, mono or stereo)", Required = true };
        var text = new Option<string>("--ref-text", "-r") { Description = "The words spoken in the clip, as exactly as you can", Required = true };
        var maxSeconds = new Option<double>("--max-seconds") { Description = "Longest clip accepted", DefaultValueFactory = _ => new CloneLimits().MaxSeconds };
        var directory = DirectoryOption();
        var models = ModelsListCommand.ModelsDirectoryOption();
        var cluster = Speech.SpeechBackends.ClusterOption();
        var command = new Command("add", "Clone a voice from a reference clip and save it in the library as NAME (encoded here, or on the cluster's boards with --cluster)")
        {
            name, audio, text, maxSeconds, directory, models, cluster,
        };
        command.SetAction(async (parse, ct) =>
        {
            var limits = new CloneLimits { MaxSeconds = parse.GetValue(maxSeconds) };
            limits.Validate();
            var voiceName = parse.GetValue(name)!;
            var library = new VoiceLibrary(Directory(parse.GetValue(directory)));
            // Everything the user typed is checked before a model loads or the cluster is reached.
            VoiceLibrary.RequireValidName(voiceName);
            var referenceText = ReferenceClips.RequireText(parse.GetValue(text), limits);
            var clip = ReferenceClips.FromFile(parse.GetValue(audio)!, limits);

            using var logging = CliLogging.Create(parse, LogLevel.Warning);
            await using var encoding = await VoiceEncodingBackends.OpenAsync(
                Speech.SpeechBackends.ClusterConfig(parse.GetValue(cluster)), parse.GetValue(models), logging, ct);
            var entry = await new VoiceCloner(encoding, library).AddAsync(voiceName, clip, referenceText, ct);
            parse.InvocationConfiguration.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"added voice '{entry.Name}': {clip.Source.DurationSeconds:F2} s ({clip.Source.Describe()}) -> {entry.Frames} frames, " +
                $"{(entry.SpeakerEmbeddingSize is { } size ? $"x-vector of {size}" : "no x-vector (no speaker encoder in these models)")}, encoded {encoding.Description} -> {Path.Combine(library.Directory!, entry.Name + ".json")}"));
            return CliExitCodes.Ok;
        });
        return command;
    }

    private static Command List()
    {
        var directory = DirectoryOption();
        var json = new Option<bool>("--json") { Description = "Print the voices as a JSON array" };
        var command = new Command("list", "List the library's voices with their frames, length, x-vector and reference text") { directory, json };
        command.SetAction(parse =>
        {
            var library = new VoiceLibrary(Directory(parse.GetValue(directory)));
            var entries = library.Describe();
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                output.WriteLine(JsonSerializer.Serialize(entries, new JsonSerializerOptions { WriteIndented = true, DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull }));
                return CliExitCodes.Ok;
            }
            output.WriteLine($"voice library {library.Directory}: {entries.Count} voice{(entries.Count == 1 ? "" : "s")} (and 'default', the model's own voice)");
            foreach (var entry in entries)
            {
                output.WriteLine(entry.Error is { } error
                    ? $"  {entry.Name,-24} unusable: {error}"
                    : string.Create(CultureInfo.InvariantCulture,
                        $"  {entry.Name,-24} {entry.Format,-4} {entry.Frames,5} frames {Seconds(entry),8} {(entry.SpeakerEmbeddingSize is { } s ? $"x-vector {s}" : "no x-vector"),-14} {Quote(entry.ReferenceText)}"));
            }
            return CliExitCodes.Ok;
        });
        return command;
    }

    private static Command Remove()
    {
        var name = new Argument<string>("name") { Description = "The voice to remove" };
        var directory = DirectoryOption();
        var command = new Command("remove", "Remove a voice from the library") { name, directory };
        command.SetAction(parse =>
        {
            var library = new VoiceLibrary(Directory(parse.GetValue(directory)));
            library.Remove(parse.GetValue(name)!);
            parse.InvocationConfiguration.Output.WriteLine($"removed voice '{parse.GetValue(name)}' from {library.Directory}");
            return CliExitCodes.Ok;
        });
        return command;
    }

    private static string Seconds(VoiceEntry entry) =>
        entry.DurationSeconds is { } s ? string.Create(CultureInfo.InvariantCulture, $"{s:F2} s") : "";

    private static string Quote(string? text) =>
        text is null ? "(no reference text)" : text.Length > 60 ? $"\"{text[..57]}...\"" : $"\"{text}\"";
}
