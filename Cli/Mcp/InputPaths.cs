namespace Qwen3Tts.Cli.Mcp;

/// <summary>
/// Where the MCP server may read reference clips from: a file name a client gives is resolved inside one configured
/// directory and refused when it (or a link on the way) leads anywhere else, as <see cref="OutputPaths"/> does for
/// writing. Reading itself goes through the voice-file rules (a regular file of bounded size, a FIFO refused).
/// </summary>
internal sealed class InputPaths
{
    private readonly string _realRoot;

    public InputPaths(string directory)
    {
        Root = Path.GetFullPath(directory);
        _realRoot = OutputPaths.RealPath(Root);
    }

    public string Root { get; }

    /// <summary>The absolute path of <paramref name="requested"/> inside the directory, or an ArgumentException saying why not.</summary>
    public string Resolve(string requested)
    {
        if (string.IsNullOrWhiteSpace(requested) || requested.Contains('\0'))
        {
            throw new ArgumentException("audio_file is empty; give a .wav file name in the input directory, or the clip in audio_base64");
        }
        if (!string.Equals(Path.GetExtension(requested), ".wav", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"audio_file '{requested}' must be a .wav file");
        }
        var full = Path.GetFullPath(requested, Root);
        if (!IsInside(full, Root) || !IsInside(OutputPaths.RealPath(full), _realRoot))
        {
            throw new ArgumentException($"audio_file '{requested}' is outside the input directory {Root}; give a name relative to it, such as 'voice.wav'");
        }
        return full;
    }

    private static bool IsInside(string path, string directory) =>
        path.StartsWith(Path.EndsInDirectorySeparator(directory) ? directory : directory + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}
