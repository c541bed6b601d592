using System.Diagnostics;
using System.Text.Json;
using Qwen3Tts.Inference.Audio;
using Qwen3Tts.Inference.Audio.Encoders;
using Qwen3Tts.Inference.Models;
using Qwen3Tts.Tests.Audio.Encoders;

namespace Qwen3Tts.Tests.Gateway;

/// <summary>
/// A fact that needs Node.js and the `openai` npm package in <c>$QWEN3_TTS_NPM_DIR/node_modules</c> (where .ci/run
/// installs it). Skipped on a developer machine without them; on CI (<c>CI</c> set) it runs and fails instead.
/// </summary>
public sealed class OpenAiNpmFactAttribute : FactAttribute
{
    public OpenAiNpmFactAttribute()
    {
        if (OpenAiNpmClientTests.WhyUnavailable() is { } why && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            Skip = why;
        }
        else if (FfmpegLocator.Default.ExecutablePath is null && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            Skip = new FfmpegFactAttribute().Skip;
        }
    }
}

/// <summary>The official `openai` npm package, unchanged, against the gateway: every format complete and streamed, decoded back.</summary>
[Collection(GatewayCollection.Name)]
public sealed class OpenAiNpmClientTests(GatewayFixture fixture) : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("qwen3-npm-").FullName;

    internal static string? NodeModules => Environment.GetEnvironmentVariable("QWEN3_TTS_NPM_DIR") is { Length: > 0 } dir ? Path.Combine(dir, "node_modules") : null;

    internal static string? WhyUnavailable() =>
        NodeModules is not { } modules ? "set QWEN3_TTS_NPM_DIR to a folder with `npm install openai@6` (as .ci/packages.sh does) to test the npm client"
        : !Directory.Exists(Path.Combine(modules, "openai")) ? $"the openai npm package is not in {modules} (npm install --prefix {Path.GetDirectoryName(modules)} openai@6)"
        : null;

    [OpenAiNpmFact]
    public async Task EveryFormatThroughTheNpmPackageDecodesBack()
    {
        await RunScriptAsync();
        using var results = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_out, "results.json")));
        var root = results.RootElement;

        var contentTypes = new Dictionary<string, string>
        {
            ["mp3"] = "audio/mpeg", ["opus"] = "audio/opus", ["aac"] = "audio/aac", ["flac"] = "audio/flac", ["wav"] = "audio/wav", ["pcm"] = "audio/pcm",
        };
        foreach (var (format, contentType) in contentTypes)
        {
            Assert.StartsWith(contentType, root.GetProperty(format).GetProperty("contentType").GetString());
            Assert.True(double.Parse(root.GetProperty(format).GetProperty("duration").GetString()!, System.Globalization.CultureInfo.InvariantCulture) > 0);
            foreach (var mode in new[] { "complete", "streamed" })
            {
                var bytes = await File.ReadAllBytesAsync(Path.Combine(_out, $"{mode}.{format}"));
                var samples = format == "pcm" ? FfmpegTool.DecodeToPcm(bytes, "s16le") : FfmpegTool.DecodeToPcm(bytes);
                Assert.True(samples.Length > CodecAudio.SampleRate / 10, $"{mode} {format}: only {samples.Length} samples decoded");
            }
        }

        // Several chunks, the same seed: the same bytes; and nothing cut (every chunk's audio is there).
        var first = await File.ReadAllBytesAsync(Path.Combine(_out, "long-a.wav"));
        Assert.Equal(first, await File.ReadAllBytesAsync(Path.Combine(_out, "long-b.wav")));
        Assert.True(WavReader.Parse(first, "long").Samples.Length > 4 * CodecAudio.SampleRate / 10);

        Assert.Equal(400, root.GetProperty("instructions").GetProperty("status").GetInt32());
        Assert.Equal("instructions", root.GetProperty("instructions").GetProperty("param").GetString());
        Assert.Equal(400, root.GetProperty("unknownVoice").GetProperty("status").GetInt32());
        Assert.Contains("unknown voice 'zork'", root.GetProperty("unknownVoice").GetProperty("message").GetString());
    }

    private async Task RunScriptAsync()
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Gateway", "Npm", "openai-speech.cjs");
        var start = new ProcessStartInfo("node", [script, new Uri(fixture.Server.BaseAddress, "/v1").ToString(), _out])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["NODE_PATH"] = NodeModules ?? throw new InvalidOperationException(WhyUnavailable());
        using var node = Process.Start(start)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await node.WaitForExitAsync(timeout.Token);
        Assert.True(node.ExitCode == 0, $"node exited with {node.ExitCode}: {await stderr}{await stdout}");
    }

    public void Dispose() => Directory.Delete(_out, recursive: true);
}
