using System.Diagnostics;

namespace Qwen3Tts.Inference.Audio.Encoders;

/// <summary>
/// Finds the ffmpeg that encodes mp3 (libmp3lame) and aac (its native encoder): the configured path, else
/// <see cref="PathVariable"/>, else <c>ffmpeg</c> on PATH. It asks that ffmpeg once which encoders it has
/// (<c>ffmpeg -encoders</c>), so a build without libmp3lame is refused with a reason instead of failing mid-response.
/// </summary>
public sealed class FfmpegLocator(string? configuredPath = null)
{
    public const string PathVariable = "QWEN3_TTS_FFMPEG";

    /// <summary>What to tell a user who has none.</summary>
    public const string InstallHint =
        "install it (Debian, Ubuntu, Armbian: sudo apt-get install ffmpeg) or set " + PathVariable + " to an ffmpeg binary; wav, pcm, flac and opus need nothing extra";

    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(15);

    private readonly Lazy<Probe> _probe = new(() => Run(configuredPath));

    /// <summary>The one for the process: <see cref="PathVariable"/> or PATH.</summary>
    public static FfmpegLocator Default { get; } = new();

    /// <summary>The ffmpeg executable found, or null.</summary>
    public string? ExecutablePath => _probe.Value.Path;

    /// <summary>The ffmpeg encoder a format needs.</summary>
    public static string EncoderFor(SpeechFormat format) => format switch
    {
        SpeechFormat.Mp3 => "libmp3lame",
        SpeechFormat.Aac => "aac",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "this format is encoded in process"),
    };

    /// <summary>Null when <paramref name="format"/> can be encoded; otherwise why not and what to install.</summary>
    public string? WhyUnavailable(SpeechFormat format)
    {
        if (format.IsBuiltIn())
        {
            return null;
        }
        var probe = _probe.Value;
        var encoder = EncoderFor(format);
        if (probe.Path is null)
        {
            return $"{format.Name()} is encoded by ffmpeg (its {encoder} encoder), and no ffmpeg was found ({probe.Problem}); {InstallHint}";
        }
        return probe.Encoders.Contains(encoder)
            ? null
            : $"{format.Name()} is encoded by ffmpeg's {encoder} encoder, which {probe.Path} lacks{(probe.Problem is { } p ? $" ({p})" : "")}; {InstallHint}";
    }

    /// <summary>Throws <see cref="AudioEncoderUnavailableException"/> naming what to install when the format cannot be encoded.</summary>
    public void EnsureAvailable(SpeechFormat format)
    {
        if (WhyUnavailable(format) is { } why)
        {
            throw new AudioEncoderUnavailableException(format, why);
        }
    }

    private sealed record Probe(string? Path, IReadOnlySet<string> Encoders, string? Problem);

    private static Probe Run(string? configuredPath)
    {
        var path = Resolve(configuredPath, out var where);
        if (path is null)
        {
            return new Probe(null, new HashSet<string>(), where);
        }
        try
        {
            using var process = Process.Start(new ProcessStartInfo(path, ["-hide_banner", "-encoders"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
            })!;
            process.StandardInput.Close();
            var errors = process.StandardError.ReadToEndAsync();
            var listing = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(ProbeTimeout))
            {
                process.Kill(entireProcessTree: true);
                return new Probe(path, new HashSet<string>(), $"`{path} -encoders` did not answer within {ProbeTimeout.TotalSeconds:0} s");
            }
            return new Probe(path, ParseEncoders(listing.Result), process.ExitCode == 0 ? null : $"`ffmpeg -encoders` failed: {errors.Result.Trim()}");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException or InvalidOperationException)
        {
            return new Probe(null, new HashSet<string>(), $"{path} could not be started: {e.Message}");
        }
    }

    /// <summary>Lines such as <c> A....D libmp3lame           libmp3lame MP3 (MPEG audio layer 3)</c>: flags, then the name.</summary>
    internal static HashSet<string> ParseEncoders(string listing)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in listing.Split('\n'))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts is [{ Length: 6 } flags, var name, ..] && flags[0] == 'A')
            {
                names.Add(name);
            }
        }
        return names;
    }

    private static string? Resolve(string? configuredPath, out string where)
    {
        if (!string.IsNullOrWhiteSpace(configuredPath))
        {
            where = $"the configured ffmpeg {configuredPath} does not exist";
            return File.Exists(configuredPath) ? configuredPath : null;
        }
        if (Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } fromVariable)
        {
            where = $"{PathVariable}={fromVariable} does not exist";
            return File.Exists(fromVariable) ? fromVariable : null;
        }
        where = "none on PATH";
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = System.IO.Path.Combine(directory, OperatingSystem.IsWindows() ? "ffmpeg.exe" : "ffmpeg");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }
}
