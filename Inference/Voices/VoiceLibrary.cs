using Qwen3Tts.Inference.Prompt;

namespace Qwen3Tts.Inference.Voices;

/// <summary>
/// The server's named voices: each `NAME.json` or `NAME.npy` in one directory. Requests name a voice,
/// never a path, so a client cannot make the server read an arbitrary file. "default" (or no voice)
/// is the model's own voice and needs no file.
/// </summary>
public sealed class VoiceLibrary(string? directory)
{
    public const string DefaultVoice = "default";

    private static readonly string[] Extensions = [".json", ".npy"];

    /// <summary>The directory, or null when none is configured (then only "default" exists).</summary>
    public string? Directory { get; } = directory;

    /// <summary>"default" first, then the voice files' names in ordinal order.</summary>
    public IReadOnlyList<string> List()
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        if (Directory is not null && System.IO.Directory.Exists(Directory))
        {
            foreach (var file in System.IO.Directory.EnumerateFiles(Directory))
            {
                if (Extensions.Contains(Path.GetExtension(file).ToLowerInvariant()) && IsValidName(Path.GetFileNameWithoutExtension(file)))
                {
                    names.Add(Path.GetFileNameWithoutExtension(file));
                }
            }
        }
        names.Remove(DefaultVoice);
        return [DefaultVoice, .. names];
    }

    /// <summary>The voice to clone, or null for "default"/empty; an unknown or malformed name is a <see cref="VoiceFileException"/>.</summary>
    public VoiceReference? Load(string? name)
    {
        if (string.IsNullOrWhiteSpace(name) || string.Equals(name, DefaultVoice, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        if (!IsValidName(name))
        {
            throw new VoiceFileException($"'{name}' is not a voice name (letters, digits, '-', '_' and '.'; voices are looked up by name, not by path)");
        }
        var path = Directory is null ? null : Extensions.Select(e => Path.Combine(Directory, name + e)).FirstOrDefault(File.Exists);
        if (path is null)
        {
            throw new VoiceFileException($"unknown voice '{name}'; available: {string.Join(", ", List())}");
        }
        return VoiceFile.Load(path);
    }

    /// <summary>Names only: no separators, no leading dot, so "../x" or "/etc/x" can never resolve outside the directory.</summary>
    public static bool IsValidName(string name) =>
        name.Length is > 0 and <= 128
        && name[0] != '.'
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
