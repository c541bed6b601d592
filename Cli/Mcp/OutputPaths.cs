namespace Qwen3Tts.Cli.Mcp;

/// <summary>
/// Where the MCP server may write: file names a client asks for are resolved inside one configured
/// directory and refused when they would land anywhere else — through "..", an absolute path, or a
/// symbolic link (in the directory or any subdirectory) that points outside it. The name's extension must be an
/// audio format the server writes (.wav, .mp3, .opus, .ogg, .flac, .aac, .pcm): it picks the file's format.
/// </summary>
/// <remarks>
/// The check guards against what a client asks for; it is not a defence against a local user who can
/// write into the directory and swap a subdirectory for a link between the check and the write.
/// </remarks>
internal sealed class OutputPaths
{
    // Linux gives up after 40 links (ELOOP); a cycle must end in an error, never a hang.
    private const int MaxLinkHops = 40;

    private readonly string _realRoot;

    public OutputPaths(string directory)
    {
        Root = Path.GetFullPath(directory);
        _realRoot = RealPath(Root);
    }

    /// <summary>The configured directory, as the user gave it (made absolute).</summary>
    public string Root { get; }

    /// <summary>The absolute path to write <paramref name="requested"/> to, or an ArgumentException saying why not.</summary>
    public string Resolve(string requested)
    {
        if (string.IsNullOrWhiteSpace(requested))
        {
            throw new ArgumentException("output_file is empty; leave it out to get the audio inline");
        }
        if (requested.Contains('\0'))
        {
            throw new ArgumentException("output_file contains a NUL character");
        }
        if (Inference.Audio.Encoders.SpeechFormats.FromPath(requested) is null)
        {
            throw new ArgumentException($"output_file '{requested}' must end in an audio extension: {string.Join(", ", Inference.Audio.Encoders.SpeechFormats.All.Select(Inference.Audio.Encoders.SpeechFormats.Extension))}");
        }

        var full = Path.GetFullPath(requested, Root);
        if (!IsInside(full, Root) || !IsInside(RealPath(full), _realRoot))
        {
            throw new ArgumentException($"output_file '{requested}' is outside the output directory {Root}; give a name relative to it, such as 'speech.wav'");
        }
        if (Directory.Exists(full))
        {
            throw new ArgumentException($"output_file '{requested}' is a directory");
        }
        return full;
    }

    private static bool IsInside(string path, string directory)
    {
        var prefix = Path.EndsInDirectorySeparator(directory) ? directory : directory + Path.DirectorySeparatorChar;
        return path.StartsWith(prefix, PathComparison) && path.Length > prefix.Length;
    }

    private static StringComparison PathComparison =>
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    /// <summary>
    /// <paramref name="fullPath"/> with every symbolic link among its existing components replaced by
    /// what it points to; the components that do not exist yet are kept as they are.
    /// </summary>
    internal static string RealPath(string fullPath)
    {
        var current = Path.GetFullPath(fullPath);
        for (var hops = 0; ; )
        {
            var root = Path.GetPathRoot(current)!;
            var parts = current[root.Length..].Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
            var resolved = root;
            var restarted = false;
            for (var i = 0; i < parts.Length; i++)
            {
                var next = Path.Combine(resolved, parts[i]);
                var info = new FileInfo(next);
                if (info.LinkTarget is { } target)
                {
                    if (++hops > MaxLinkHops)
                    {
                        throw new ArgumentException($"too many levels of symbolic links under {next}");
                    }
                    // A relative link is relative to the directory holding it; the rest of the path continues from its target.
                    current = Path.GetFullPath(Path.Combine([Path.GetFullPath(target, resolved), .. parts[(i + 1)..]]));
                    restarted = true;
                    break;
                }
                if (!info.Exists && !Directory.Exists(next))
                {
                    return Path.Combine([next, .. parts[(i + 1)..]]);
                }
                resolved = next;
            }
            if (!restarted)
            {
                return resolved;
            }
        }
    }
}
