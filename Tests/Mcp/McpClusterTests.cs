using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Qwen3Tts.Tests.Cluster;
using Qwen3Tts.Tests.Pipeline;

namespace Qwen3Tts.Tests.Mcp;

/// <summary>`qwen3-tts mcp --cluster`: the tool's speech comes from a real silo process, and must equal embedded mode's.</summary>
public sealed class McpClusterTests(TinyModelsFixture models) : IClassFixture<TinyModelsFixture>, IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("qwen3-mcp-cluster-").FullName;
    private SingleSiloProcess? _silo;

    private string Config => (_silo ?? throw new InvalidOperationException("the silo did not start")).Config;

    public async Task InitializeAsync() => _silo = await SingleSiloProcess.StartAsync(models.Directory, _dir, "mcp-test");

    [Fact]
    public async Task TextToSpeechThroughTheClusterClonesALibraryVoiceLikeEmbeddedMode()
    {
        var voices = Directory.CreateDirectory(Path.Combine(_dir, "voices")).FullName;
        await McpServerFixture.WriteVoiceAsync(Path.Combine(voices, "narrator.json"));
        var clusterOut = Directory.CreateDirectory(Path.Combine(_dir, "cluster-out")).FullName;
        var embeddedOut = Directory.CreateDirectory(Path.Combine(_dir, "embedded-out")).FullName;
        var arguments = new Dictionary<string, object?>
        {
            ["text"] = "Spoken by the cluster.", ["language"] = "en", ["voice"] = "narrator", ["output_file"] = "speech.wav", ["seed"] = 9,
        };

        var clustered = await CallOnceAsync(["--cluster", Config, "--voices", voices, "--output-dir", clusterOut], arguments);
        var embedded = await CallOnceAsync(["--models", models.Directory, "--voices", voices, "--output-dir", embeddedOut], arguments);

        Assert.True(clustered.IsError is null or false, string.Join("\n", clustered.Content.OfType<TextContentBlock>().Select(t => t.Text)));
        Assert.True(embedded.IsError is null or false);
        var viaCluster = await File.ReadAllBytesAsync(Path.Combine(clusterOut, "speech.wav"));
        Assert.True(viaCluster.Length > 44);
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(embeddedOut, "speech.wav")), viaCluster);
    }

    private async Task<CallToolResult> CallOnceAsync(string[] options, Dictionary<string, object?> arguments)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Command = "dotnet",
            Arguments = [McpServerFixture.CliDll, "mcp", .. options],
            WorkingDirectory = _dir,
        });
        await using var client = await McpClient.CreateAsync(transport, cancellationToken: timeout.Token);
        return await client.CallToolAsync("text_to_speech", arguments, cancellationToken: timeout.Token);
    }

    public async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }
        Directory.Delete(_dir, recursive: true);
    }
}
