using System.Collections.Concurrent;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Qwen3Tts.Cli;
using Qwen3Tts.Inference.Audio;
using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Pipeline;
using Qwen3Tts.Inference.Voices;
using Qwen3Tts.Tests.Pipeline;

namespace Qwen3Tts.Tests.Mcp;

/// <summary>
/// One real `qwen3-tts mcp` child process on tiny synthetic models, driven by the SDK's stdio client,
/// and the same models loaded in this process to say what the server's audio must be.
/// </summary>
public sealed class McpServerFixture : IAsyncLifetime
{
    public const string VoiceName = "narrator";

    private readonly ConcurrentQueue<string> _stderr = new();

    public TinyModelsFixture Models { get; } = new();

    public string Root { get; } = Directory.CreateTempSubdirectory("qwen3-mcp-").FullName;

    public string VoicesDirectory => Path.Combine(Root, "voices");

    public string OutputDirectory => Path.Combine(Root, "out");

    public McpClient Client { get; private set; } = null!;

    /// <summary>What the server wrote to stderr so far: its logs, for failure messages.</summary>
    public string Stderr => string.Join('\n', _stderr);

    public static string CliDll => Path.Combine(AppContext.BaseDirectory, "qwen3-tts.dll");

    public async Task InitializeAsync()
    {
        await Models.InitializeAsync();
        Directory.CreateDirectory(VoicesDirectory);
        await WriteVoiceAsync(Path.Combine(VoicesDirectory, VoiceName + ".json"));
        Directory.CreateDirectory(OutputDirectory);

        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "qwen3-tts",
            Command = "dotnet",
            Arguments = [CliDll, "mcp", "--models", Models.Directory, "--voices", VoicesDirectory, "--output-dir", OutputDirectory],
            WorkingDirectory = Root,
            StandardErrorLines = _stderr.Enqueue,
        });
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        Client = await McpClient.CreateAsync(transport, cancellationToken: timeout.Token);
    }

    /// <summary>A four-frame voice profile, the shape `encode-voice` writes.</summary>
    public static Task WriteVoiceAsync(string path)
    {
        var frames = string.Join(",", Enumerable.Range(0, 4).Select(f => "[" + string.Join(",", Enumerable.Range(0, 16).Select(k => (f * 16 + k) * 5)) + "]"));
        return File.WriteAllTextAsync(path, $$"""{"ref_text": "Some reference words", "codec_tokens": [{{frames}}]}""");
    }

    public async Task<CallToolResult> CallAsync(string tool, Dictionary<string, object?> arguments)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        return await Client.CallToolAsync(tool, arguments, cancellationToken: timeout.Token);
    }

    /// <summary>The WAV the embedded synthesizer gives for the same request, encoded as the server encodes it (PCM16).</summary>
    public async Task<byte[]> ExpectedWavAsync(string text, string language, string voice, ulong seed)
    {
        var request = SpeakJob.CreateRequest(text, language, new VoiceLibrary(VoicesDirectory).Load(voice), seed, maxFrames: 2048);
        var result = await new SpeechSynthesizer(Models.Models).SynthesizeAsync(request);
        using var buffer = new MemoryStream();
        await using (var writer = new WavWriter(buffer, CodecAudio.SampleRate, 1, AudioFormat.WavPcm16, leaveOpen: true))
        {
            await writer.WriteSamplesAsync(result.Samples);
        }
        return buffer.ToArray();
    }

    public async Task DisposeAsync()
    {
        if (Client is not null)
        {
            await Client.DisposeAsync();
        }
        await Models.DisposeAsync();
        Directory.Delete(Root, recursive: true);
    }
}
