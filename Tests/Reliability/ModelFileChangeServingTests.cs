using System.Net;
using System.Text.Json;
using Qwen3Tts.Grains;
using Qwen3Tts.Tests.Formats;
using Qwen3Tts.Tests.Gateway;
using Qwen3Tts.Tests.Pipeline;

namespace Qwen3Tts.Tests.Reliability;

/// <summary>
/// The crash: a model file rewritten under a running server, then a request. The request gets a 500 that
/// names the file and says to restart; the process keeps running and answering.
/// </summary>
public sealed class ModelFileChangeServingTests(TinyModelsFixture models) : IClassFixture<TinyModelsFixture>, IDisposable
{
    private readonly TempDirectory _dir = new();

    /// <summary>The talker's text table copied over (<c>cp</c>: truncate, then write).</summary>
    [Fact]
    public async Task ATextTableCopiedOverUnderARunningServerIsRefusedAndTheServerStaysUp()
    {
        var (server, modelsDirectory) = await StartServingAsync();
        await using var _ = server;

        // A new release of the table, same shape, other values, copied over the loaded one.
        var table = Path.Combine(modelsDirectory, "talker", "embeddings", "text_embedding.npy");
        var bytes = await File.ReadAllBytesAsync(table);
        for (var i = bytes.Length / 2; i < bytes.Length; i += 4)
        {
            bytes[i] ^= 0x5a;
        }
        await File.WriteAllBytesAsync(table, bytes);

        await AssertRefusedNamingAsync(server, "text_embedding.npy");
    }

    /// <summary>
    /// The talker's runtime GGUF (<c>talker/.runtime/*.runtime.gguf</c>, which llama.cpp maps itself) rewritten in
    /// place (<c>rsync --inplace</c>: same inode, same size, other bytes): the next request is refused before llama.cpp
    /// decodes from a mix of two files.
    /// </summary>
    [Fact]
    public async Task ARuntimeTalkerGgufRewrittenInPlaceUnderARunningServerIsRefusedAndTheServerStaysUp()
    {
        var (server, modelsDirectory) = await StartServingAsync();
        await using var _ = server;

        var runtime = Assert.Single(Directory.GetFiles(Path.Combine(modelsDirectory, "talker"), "*.runtime.gguf", SearchOption.AllDirectories));
        var tail = (await File.ReadAllBytesAsync(runtime))[^4096..];
        // The change time ticks every few ms; the rewrite must land in a later tick than the load.
        Thread.Sleep(30);
        await using (var inPlace = new FileStream(runtime, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            // Other values in the tail (weights), the header as it was: no truncation, so no SIGBUS in this test.
            inPlace.Position = inPlace.Length - tail.Length;
            inPlace.Write([.. tail.Select(b => (byte)(b ^ 0x5a))]);
        }

        await AssertRefusedNamingAsync(server, Path.GetFileName(runtime));
    }

    /// <summary>A server with every role over a copy of the tiny models, after one request it served.</summary>
    private async Task<(GatewayServer Server, string ModelsDirectory)> StartServingAsync()
    {
        var modelsDirectory = models.CopyTo(_dir.File("models"));
        var settings = GatewayServer.Settings([GrainRoles.Talker, GrainRoles.Predictor, GrainRoles.Vocoder, GrainRoles.Gateway], modelsDirectory,
            gateway => gateway.VoicesDirectory = Directory.CreateDirectory(_dir.File("voices")).FullName);
        var server = await GatewayServer.StartAsync(settings);
        try
        {
            using var before = await SpeechRequests.PostAsync(server.Http, new { model = "tts-1", input = "Before the change.", seed = 1 });
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
            return (server, modelsDirectory);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private async Task AssertRefusedNamingAsync(GatewayServer server, string fileName)
    {
        using var after = await SpeechRequests.PostAsync(server.Http, new { model = "tts-1", input = "After the change.", seed = 1 });
        var body = await after.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.InternalServerError, after.StatusCode);
        using var error = JsonDocument.Parse(body);
        var message = error.RootElement.GetProperty("error").GetProperty("message").GetString()!;
        Assert.Contains($"{fileName} changed under the running process", message);
        Assert.Contains("restart", message);
        Assert.DoesNotContain(_dir.Path, message);

        using var health = await server.Http.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    public void Dispose() => _dir.Dispose();
}
