namespace Qwen3Tts.Silo.Clustering;

/// <summary>Where the localhost membership table lives (<c>cluster.membershipDirectory</c> in cluster.json).</summary>
public sealed class FileMembershipTableOptions
{
    /// <summary>The directory; null = <c>$XDG_RUNTIME_DIR/qwen3-tts</c> (emptied at reboot), else a per-user temp directory.</summary>
    public string? Directory { get; set; }

    /// <summary>The process recorded in the rows this silo inserts: this one (a test names another).</summary>
    public LocalProcessIdentity? Process { get; set; } = LocalProcessIdentity.Current;

    public string ResolvePath(string serviceId, string clusterId)
    {
        var directory = Directory ?? DefaultDirectory();
        return Path.Combine(directory, $"{Safe(serviceId)}--{Safe(clusterId)}.membership.json");
    }

    public static string DefaultDirectory()
    {
        var runtime = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        return runtime is { Length: > 0 } && System.IO.Directory.Exists(runtime)
            ? Path.Combine(runtime, "qwen3-tts")
            : Path.Combine(Path.GetTempPath(), $"qwen3-tts-{Environment.UserName}");
    }

    private static string Safe(string id) => string.Concat(id.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));
}
