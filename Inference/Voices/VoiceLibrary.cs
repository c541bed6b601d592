using System.Collections.Concurrent;
using Qwen3Tts.Inference.Codec.Encoder;
using Qwen3Tts.Inference.Formats;
using Qwen3Tts.Inference.Prompt;

namespace Qwen3Tts.Inference.Voices;

/// <summary>
/// The server's named voices: each <c>NAME.json</c>, <c>NAME.npy</c> or <c>NAME.pt</c> in one directory. Requests
/// name a voice, never a path, so a client cannot make the server read an arbitrary file: names have no separators,
/// a link is followed only to a file in the same directory, and only regular files under
/// <see cref="VoiceLibraryOptions.MaxFileBytes"/> are read (never waiting on a FIFO). New voices are written as
/// <c>NAME.json</c> atomically and never over an existing voice, so concurrent adds of one name leave exactly one
/// complete file. "default" (or no voice) is the model's own voice and needs no file. OpenAI's voice names (and any
/// configured alias) resolve through <see cref="Aliases"/> when no library voice has that name.
/// </summary>
public sealed class VoiceLibrary
{
    public const string DefaultVoice = "default";

    /// <summary>$XDG_DATA_HOME/qwen3-tts/voices, or ~/.local/share/qwen3-tts/voices: where the CLI, MCP and gateway look by default.</summary>
    public static string DefaultDirectory
    {
        get
        {
            var dataHome = Environment.GetEnvironmentVariable("XDG_DATA_HOME") is { Length: > 0 } xdg
                ? Models.Store.ModelStoreOptions.ExpandHome(xdg)
                : Models.Store.ModelStoreOptions.ExpandHome("~/.local/share");
            return Path.GetFullPath(Path.Combine(dataHome, "qwen3-tts", "voices"));
        }
    }

    /// <summary>Longest voice name.</summary>
    public const int MaxNameLength = 64;

    // One add at a time per directory in this process, so the name-taken and library-full checks hold exactly.
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> AddLocks = new(StringComparer.Ordinal);

    public VoiceLibrary(string? directory, VoiceLibraryOptions? options = null, IReadOnlyDictionary<string, string>? aliases = null)
    {
        Directory = directory is null ? null : Path.GetFullPath(directory);
        Options = options ?? new VoiceLibraryOptions();
        Options.Validate();
        Aliases = OpenAiVoiceNames.Table(aliases);
    }

    /// <summary>The directory (full path), or null when none is configured (then only "default" exists).</summary>
    public string? Directory { get; }

    public VoiceLibraryOptions Options { get; }

    /// <summary>Other names for voices: OpenAI's voice names (see <see cref="OpenAiVoiceNames"/>) and any configured.</summary>
    public IReadOnlyDictionary<string, string> Aliases { get; }

    /// <summary>"default" first, then the voices' names in ordinal order.</summary>
    public IReadOnlyList<string> List()
    {
        var names = new SortedSet<string>(Entries().Select(e => e.Name), StringComparer.Ordinal);
        names.Remove(DefaultVoice);
        return [DefaultVoice, .. names];
    }

    /// <summary>Every voice file with what it holds (read under the same bounds as a request); unreadable ones carry their error.</summary>
    public IReadOnlyList<VoiceEntry> Describe()
    {
        var entries = new List<VoiceEntry>();
        foreach (var (name, path) in Entries().OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            try
            {
                entries.Add(VoiceEntry.Of(name, ReadFile(name, path)));
            }
            catch (VoiceFileException e)
            {
                entries.Add(new VoiceEntry(name, Path.GetExtension(path).TrimStart('.').ToLowerInvariant()) { Error = e.Message });
            }
        }
        return entries;
    }

    /// <summary>
    /// The voice to clone, or null for "default"/empty or an alias of it; a library voice wins over an alias of the same
    /// name. An unknown or malformed name is a <see cref="VoiceFileException"/>.
    /// </summary>
    public VoiceReference? Load(string? name)
    {
        if (string.IsNullOrWhiteSpace(name) || IsDefault(name))
        {
            return null;
        }
        RequireValidName(name);
        if (FileOf(name) is not null || !Aliases.TryGetValue(name, out var target))
        {
            return Read(name).Voice;
        }
        if (IsDefault(target))
        {
            return null;
        }
        return IsValidName(target) && FileOf(target) is not null
            ? Read(target).Voice
            : throw new VoiceFileException(
                $"voice '{name}' is an alias of '{target}', which is not in the voice library; available: {string.Join(", ", List())}", VoiceProblem.UnknownVoice);
    }

    /// <summary>A library voice with what its file says about it.</summary>
    public StoredVoice Read(string name)
    {
        RequireValidName(name);
        var path = FileOf(name) ?? throw new VoiceFileException(
            $"unknown voice '{name}'; available: {string.Join(", ", List())}, or an OpenAI voice name ({string.Join(", ", Aliases.Keys)})",
            VoiceProblem.UnknownVoice);
        return ReadFile(name, path);
    }

    /// <summary>Whether <paramref name="name"/> is a voice of this library (not "default").</summary>
    public bool Contains(string name) => IsValidName(name) && FileOf(name) is not null;

    /// <summary>
    /// Saves an encoded voice as <c>NAME.json</c>. Refused (nothing written) when the name is not a valid name or
    /// "default", a voice of that name exists (in any letter case or format), or the library is full; the file
    /// appears complete or not at all.
    /// </summary>
    public async Task<VoiceEntry> AddAsync(string name, EncodedVoice voice, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(voice);
        RequireValidName(name);
        if (IsDefault(name))
        {
            throw new VoiceFileException($"'{DefaultVoice}' is the model's own voice; choose another name", VoiceProblem.InvalidName);
        }
        var directory = Directory ?? throw new VoiceFileException("no voice library directory is configured", VoiceProblem.NoLibrary);
        var bytes = VoiceProfileJson.Render(voice);
        // What is written must read back as a voice: checked before anything touches the directory.
        var stored = VoiceFile.Parse(bytes, ".json", name);
        var gate = AddLocks.GetOrAdd(directory, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            System.IO.Directory.CreateDirectory(directory);
            var existing = Entries().ToList();
            if (existing.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase)) is { Name: not null } taken)
            {
                throw new VoiceFileException($"a voice named '{taken.Name}' already exists; remove it first or choose another name", VoiceProblem.NameTaken);
            }
            if (existing.Count >= Options.MaxVoices)
            {
                throw new VoiceFileException(
                    $"the voice library is full ({existing.Count} voices, limit {Options.MaxVoices}); remove a voice first", VoiceProblem.LibraryFull);
            }
            var path = Path.Combine(directory, name + ".json");
            using var file = AtomicFile.Create(path);
            await file.Stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            try
            {
                file.Commit(overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process added the same name between the check and the move; its file stays whole.
                throw new VoiceFileException($"a voice named '{name}' already exists; remove it first or choose another name", VoiceProblem.NameTaken);
            }
            return VoiceEntry.Of(name, stored);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Deletes the voice's file (a link itself, never what it points at).</summary>
    public void Remove(string name)
    {
        RequireValidName(name);
        if (IsDefault(name))
        {
            throw new VoiceFileException($"'{DefaultVoice}' is the model's own voice and cannot be removed", VoiceProblem.InvalidName);
        }
        var path = FileOf(name) ?? throw new VoiceFileException(
            $"unknown voice '{name}'; available: {string.Join(", ", List())}", VoiceProblem.UnknownVoice);
        File.Delete(path);
    }

    /// <summary>Names only: letters, digits, '-', '_' and '.', no leading dot, at most <see cref="MaxNameLength"/> characters.</summary>
    public static bool IsValidName(string name) =>
        name.Length is > 0 and <= MaxNameLength
        && name[0] != '.'
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    public static void RequireValidName(string? name)
    {
        if (name is null || !IsValidName(name))
        {
            throw new VoiceFileException(
                $"'{Shorten(name)}' is not a voice name (1 to {MaxNameLength} letters, digits, '-', '_' and '.', not starting with '.'; voices are looked up by name, not by path)",
                VoiceProblem.InvalidName);
        }
    }

    /// <summary>Whether <paramref name="name"/> is "default" (in any letter case): the model's own voice.</summary>
    public static bool IsDefault(string name) => string.Equals(name, DefaultVoice, StringComparison.OrdinalIgnoreCase);

    private StoredVoice ReadFile(string name, string path) =>
        VoiceFile.Parse(VoiceFileBytes.Read(Confined(name, path), Options.MaxFileBytes, noFollow: true, name: $"voice '{name}'"), Path.GetExtension(path), $"voice '{name}'");

    /// <summary>
    /// The file to open for a library entry: the entry itself, or, for a link, its final target, which must be a
    /// file directly in the library directory (a link to another voice); anything else is refused. Refusals name the
    /// voice, never the link's target: they reach HTTP clients, who have no business knowing the server's paths.
    /// </summary>
    private string Confined(string name, string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is null)
        {
            return path;
        }
        FileSystemInfo? target;
        try
        {
            target = info.ResolveLinkTarget(returnFinalTarget: true);
        }
        catch (IOException e)
        {
            throw new VoiceFileException($"voice '{name}' is a link that cannot be resolved (a loop, or too many links in a chain)", e);
        }
        if (target is null || !target.Exists)
        {
            throw new VoiceFileException($"voice '{name}' is a link to a file that does not exist");
        }
        var parent = Path.GetDirectoryName(target.FullName);
        if (!Roots().Contains(parent, StringComparer.Ordinal))
        {
            throw new VoiceFileException($"voice '{name}' is a link out of the voice library; links are followed only to files in the library itself");
        }
        return target.FullName;
    }

    /// <summary>The directory as configured and as resolved (when it is itself a link).</summary>
    private IEnumerable<string> Roots()
    {
        var root = Path.TrimEndingDirectorySeparator(Directory!);
        yield return root;
        if (new DirectoryInfo(root).ResolveLinkTarget(returnFinalTarget: true) is { } resolved)
        {
            yield return Path.TrimEndingDirectorySeparator(resolved.FullName);
        }
    }

    /// <summary>The entry's path (the first extension in <see cref="VoiceFile.Extensions"/> order), without opening it.</summary>
    private string? FileOf(string name)
    {
        if (Directory is null)
        {
            return null;
        }
        foreach (var extension in VoiceFile.Extensions)
        {
            var path = Path.Combine(Directory, name + extension);
            var info = new FileInfo(path);
            if (info.Exists || info.LinkTarget is not null)
            {
                return path;
            }
        }
        return null;
    }

    /// <summary>Voice-named entries with a voice extension, one per name (the first extension wins), directories excluded.</summary>
    private IEnumerable<(string Name, string Path)> Entries()
    {
        if (Directory is null || !System.IO.Directory.Exists(Directory))
        {
            yield break;
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var files = new DirectoryInfo(Directory).EnumerateFileSystemInfos()
            .Where(f => f is FileInfo && VoiceFile.Extensions.Contains(f.Extension.ToLowerInvariant()))
            .OrderBy(f => VoiceFile.Extensions.ToList().IndexOf(f.Extension.ToLowerInvariant()));
        foreach (var file in files)
        {
            var name = Path.GetFileNameWithoutExtension(file.Name);
            if (IsValidName(name) && !IsDefault(name) && seen.Add(name))
            {
                yield return (name, file.FullName);
            }
        }
    }

    private static string Shorten(string? name) => name is null ? "" : name.Length > 80 ? name[..80] + "…" : name;
}
