using System.Diagnostics;
using System.Globalization;
using Qwen3Tts.Inference.Audio.Encoders;

namespace Qwen3Tts.Tests.Audio.Encoders;

/// <summary>
/// A fact that needs ffmpeg (and ffprobe) to decode what the encoders wrote. Skipped on a developer machine without
/// it; on CI (<c>CI</c> set, where .ci/run installs ffmpeg) it runs and fails, so a missing ffmpeg cannot pass silently.
/// </summary>
public sealed class FfmpegFactAttribute : FactAttribute
{
    public FfmpegFactAttribute()
    {
        if (FfmpegLocator.Default.ExecutablePath is null && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            Skip = "install ffmpeg (apt-get install ffmpeg) to decode mp3, aac, opus and flac output with it";
        }
    }
}

/// <summary>A theory that needs ffmpeg, on the terms of <see cref="FfmpegFactAttribute"/>.</summary>
public sealed class FfmpegTheoryAttribute : TheoryAttribute
{
    public FfmpegTheoryAttribute()
    {
        Skip = new FfmpegFactAttribute().Skip;
    }
}

/// <summary>ffmpeg and ffprobe as independent decoders of the encoders' output.</summary>
internal static class FfmpegTool
{
    /// <summary>Decodes any file ffmpeg reads to 24 kHz mono 16-bit samples (resampling only if the stream is not 24 kHz).</summary>
    public static short[] DecodeToPcm(byte[] encoded, string? inputFormat = null)
    {
        string[] input = inputFormat switch
        {
            null => [],
            "s16le" => ["-f", "s16le", "-ar", "24000", "-ac", "1"],
            _ => ["-f", inputFormat],
        };
        var output = Run("ffmpeg", encoded, ["-hide_banner", "-loglevel", "error", .. input, "-i", "pipe:0", "-f", "s16le", "-ac", "1", "-ar", "24000", "pipe:1"]);
        var samples = new short[output.Length / 2];
        Buffer.BlockCopy(output, 0, samples, 0, samples.Length * 2);
        return samples;
    }

    /// <summary>ffprobe's codec_name and sample_rate of the first audio stream.</summary>
    public static (string Codec, int SampleRate) Probe(byte[] encoded)
    {
        var text = System.Text.Encoding.UTF8.GetString(Run("ffprobe", encoded,
            ["-hide_banner", "-loglevel", "error", "-select_streams", "a:0", "-show_entries", "stream=codec_name,sample_rate", "-of", "default=noprint_wrappers=1", "pipe:0"]));
        var fields = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        return (fields["codec_name"], int.Parse(fields["sample_rate"], CultureInfo.InvariantCulture));
    }

    private static byte[] Run(string tool, byte[] input, string[] arguments)
    {
        var path = Path.Combine(Path.GetDirectoryName(FfmpegLocator.Default.ExecutablePath) ?? "/usr/bin", tool);
        var start = new ProcessStartInfo(path) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        using var output = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(output);
        process.StandardInput.BaseStream.Write(input);
        process.StandardInput.Close();
        copy.Wait(TimeSpan.FromSeconds(30));
        process.WaitForExit(30_000);
        if (process.ExitCode != 0)
        {
            throw new InvalidDataException($"{tool} failed ({process.ExitCode}): {errors.Result}");
        }
        return output.ToArray();
    }
}
