using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Qwen3Tts.Inference.Talker;

/// <summary>
/// Where a derived runtime file (a talker GGUF the engine builds from the published weights) is kept:
/// in a hidden <c>.runtime/</c> folder beside the source when that folder is writable, otherwise in the
/// user's cache (<c>$XDG_CACHE_HOME/qwen3-tts/runtime/</c>). Never over a source file.
/// </summary>
internal static class RuntimeFileLocation
{
    public static string For(string sourceFile, string fileName, string? cacheDirectory)
    {
        if (cacheDirectory is not null)
        {
            return Path.Combine(cacheDirectory, fileName);
        }
        var source = Path.GetFullPath(sourceFile);
        var beside = Path.Combine(Path.GetDirectoryName(source)!, ".runtime");
        try
        {
            Directory.CreateDirectory(beside);
            var probe = Path.Combine(beside, $".probe-{Environment.ProcessId}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
            return Path.Combine(beside, fileName);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
                ? xdg
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            // Snapshots of different models share this folder: key the file by its source's directory.
            var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetDirectoryName(source)!)))[..12];
            return Path.Combine(cache, "qwen3-tts", "runtime", key, fileName);
        }
    }

    /// <summary>"path|size|mtime" of a source file: what the runtime file's stamp records about it.</summary>
    public static string Describe(string path)
    {
        var info = new FileInfo(path);
        return string.Create(CultureInfo.InvariantCulture, $"{Path.GetFullPath(path)}|{info.Length}|{info.LastWriteTimeUtc.Ticks}");
    }

    /// <summary>
    /// Deletes temporary files a killed conversion left beside <paramref name="target"/> (".NAME.GUID.tmp").
    /// Only files untouched for a while: a conversion running in another process keeps writing its own.
    /// </summary>
    public static void RemoveAbandonedTemporaries(string target, TimeSpan olderThan)
    {
        var directory = Path.GetDirectoryName(target)!;
        if (!Directory.Exists(directory))
        {
            return;
        }
        foreach (var temp in Directory.EnumerateFiles(directory, $".{Path.GetFileName(target)}.*.tmp"))
        {
            try
            {
                if (DateTime.UtcNow - File.GetLastWriteTimeUtc(temp) > olderThan)
                {
                    File.Delete(temp);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Someone else's file or in use; it does not affect this conversion.
            }
        }
    }
}
