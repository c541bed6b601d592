using System.Net;
using System.Net.Sockets;
using Qwen3Tts.Inference.Models.Store;

namespace Qwen3Tts.Tests.Store;

public sealed class HuggingFaceDownloaderTests : IAsyncLifetime
{
    private const string GgufPath = "talker/talker-q8_0.gguf";

    private readonly FakeHubServer server = new();
    private readonly TempDirectory models = new();
    private readonly HttpClient http = new(new SocketsHttpHandler { AllowAutoRedirect = false });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        http.Dispose();
        await server.DisposeAsync();
        models.Dispose();
    }

    [Fact]
    public async Task DownloadsWholeFileToItsRepoPathAndReportsProgress()
    {
        var content = FakeHubServer.RandomBytes(3_000_000, seed: 1);
        server.AddFile(GgufPath, content);
        var reports = new List<DownloadProgress>();

        var path = await Downloader().DownloadFileAsync(GgufPath, new SyncProgress<DownloadProgress>(reports.Add), CancellationToken.None);

        Assert.Equal(models.Combine(GgufPath), path);
        Assert.Equal(content, await File.ReadAllBytesAsync(path));
        Assert.False(File.Exists(path + ".part"));
        var last = reports[^1];
        Assert.Equal(GgufPath, last.File);
        Assert.Equal(content.Length, last.BytesDone);
        Assert.Equal(content.Length, last.BytesTotal);
        var request = Assert.Single(server.Requests);
        Assert.Equal($"/{FakeHubServer.Repository}/resolve/{FakeHubServer.Revision}/{GgufPath}", request.Path);
        Assert.Null(request.Header("Range"));
    }

    [Fact]
    public async Task ResumesWithRangeAfterConnectionIsCut()
    {
        var content = FakeHubServer.RandomBytes(500_000, seed: 2);
        server.AddFile(GgufPath, content);
        server.CutAfterBytes = 123_456;

        var path = await Downloader().DownloadFileAsync(GgufPath, null, CancellationToken.None);

        Assert.Equal(content, await File.ReadAllBytesAsync(path));
        var requests = server.Requests.ToArray();
        Assert.Equal(2, requests.Length);
        Assert.Null(requests[0].Header("Range"));
        Assert.Equal("bytes=123456-", requests[1].Header("Range"));
    }

    [Fact]
    public async Task KeepsPartialFileWhenRetriesRunOutAndResumesOnNextCall()
    {
        var content = FakeHubServer.RandomBytes(400_000, seed: 3);
        server.AddFile(GgufPath, content);
        server.CutAfterBytes = 50_000;
        server.CutResponses = 2;
        var downloader = Downloader();
        downloader.MaxAttempts = 2;

        var error = await Assert.ThrowsAsync<ModelDownloadException>(() => downloader.DownloadFileAsync(GgufPath, null, CancellationToken.None));

        Assert.Contains("after 2 attempts", error.Message);
        Assert.Contains("run the command again to resume", error.Message);
        Assert.False(File.Exists(models.Combine(GgufPath)));
        Assert.Equal(100_000, new FileInfo(models.Combine(GgufPath) + ".part").Length);

        var path = await downloader.DownloadFileAsync(GgufPath, null, CancellationToken.None);

        Assert.Equal(content, await File.ReadAllBytesAsync(path));
        Assert.Equal("bytes=100000-", server.Requests.Last().Header("Range"));
        Assert.False(File.Exists(path + ".part"));
    }

    [Fact]
    public async Task TreatsAStalledTransferAsACutConnection()
    {
        var content = FakeHubServer.RandomBytes(200_000, seed: 11);
        server.AddFile(GgufPath, content);
        server.StallAfterBytes = 30_000;
        var downloader = Downloader();
        downloader.StallTimeout = TimeSpan.FromMilliseconds(300);

        var path = await downloader.DownloadFileAsync(GgufPath, null, CancellationToken.None);

        Assert.Equal(content, await File.ReadAllBytesAsync(path));
        Assert.Equal("bytes=30000-", server.Requests.Last().Header("Range"));
    }

    [Fact]
    public async Task RestartsFromZeroWhenServerIgnoresRange()
    {
        var content = FakeHubServer.RandomBytes(300_000, seed: 4);
        server.AddFile(GgufPath, content);
        server.IgnoreRange = true;
        server.CutAfterBytes = 100_000;

        var path = await Downloader().DownloadFileAsync(GgufPath, null, CancellationToken.None);

        Assert.Equal(content, await File.ReadAllBytesAsync(path));
        Assert.Equal("bytes=100000-", server.Requests.Last().Header("Range"));
    }

    [Fact]
    public async Task FinishesAPartFileThatIsAlreadyComplete()
    {
        var content = FakeHubServer.RandomBytes(10_000, seed: 5);
        server.AddFile(GgufPath, content);
        Directory.CreateDirectory(Path.GetDirectoryName(models.Combine(GgufPath))!);
        await File.WriteAllBytesAsync(models.Combine(GgufPath) + ".part", content);

        var path = await Downloader().DownloadFileAsync(GgufPath, null, CancellationToken.None);

        Assert.Equal(content, await File.ReadAllBytesAsync(path));
        Assert.False(File.Exists(path + ".part"));
    }

    [Fact]
    public async Task SizeMismatchDeletesPartialFileAndNamesBothSizes()
    {
        var content = FakeHubServer.RandomBytes(20_000, seed: 6);
        server.AddFile(GgufPath, content);
        server.SendSha256 = false;
        server.LinkedSizeOverride = 25_000;

        var error = await Assert.ThrowsAsync<ModelDownloadException>(() => Downloader().DownloadFileAsync(GgufPath, null, CancellationToken.None));

        Assert.Equal(GgufPath, error.RepoPath);
        Assert.Contains(GgufPath, error.Message);
        Assert.Contains("expected 25000 bytes, got 20000", error.Message);
        Assert.False(File.Exists(models.Combine(GgufPath)));
        Assert.False(File.Exists(models.Combine(GgufPath) + ".part"));
    }

    [Fact]
    public async Task Sha256MismatchDeletesDownload()
    {
        var content = FakeHubServer.RandomBytes(20_000, seed: 7);
        server.AddFile(GgufPath, content);
        server.Sha256Override = new string('a', 64);

        var error = await Assert.ThrowsAsync<ModelDownloadException>(() => Downloader().DownloadFileAsync(GgufPath, null, CancellationToken.None));

        Assert.Contains("sha256 expected " + new string('a', 64), error.Message);
        Assert.Contains("got " + FakeHubServer.Sha256Hex(content), error.Message);
        Assert.False(File.Exists(models.Combine(GgufPath)));
        Assert.False(File.Exists(models.Combine(GgufPath) + ".part"));
    }

    [Fact]
    public async Task FollowsRedirectAndChecksTheLinkedSha256()
    {
        var content = FakeHubServer.RandomBytes(50_000, seed: 8);
        server.AddFile(GgufPath, content);
        server.RedirectToCdn = true;
        server.Sha256Override = new string('b', 64);

        var error = await Assert.ThrowsAsync<ModelDownloadException>(() => Downloader().DownloadFileAsync(GgufPath, null, CancellationToken.None));
        Assert.Contains("sha256 expected " + new string('b', 64), error.Message);

        server.Sha256Override = null;
        var path = await Downloader().DownloadFileAsync(GgufPath, null, CancellationToken.None);

        Assert.Equal(content, await File.ReadAllBytesAsync(path));
        Assert.Equal("/cdn/" + GgufPath, server.Requests.Last().Path);
    }

    [Fact]
    public async Task NotFoundNamesRepositoryPathAndRevision()
    {
        var error = await Assert.ThrowsAsync<ModelDownloadException>(() => Downloader().DownloadFileAsync("vocoder/vocoder.onnx", null, CancellationToken.None));

        Assert.Contains("vocoder/vocoder.onnx was not found", error.Message);
        Assert.Contains(FakeHubServer.Repository, error.Message);
        Assert.Contains("revision 'main'", error.Message);
        Assert.Contains("404", error.Message);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task UnauthorizedMentionsHfTokenAndSendsTheTokenWhenSet()
    {
        server.AddFile(GgufPath, FakeHubServer.RandomBytes(1000, seed: 9));
        server.RequiredToken = "secret";

        var error = await Assert.ThrowsAsync<ModelDownloadException>(() => Downloader().DownloadFileAsync(GgufPath, null, CancellationToken.None));
        Assert.Contains("HTTP 401", error.Message);
        Assert.Contains("HF_TOKEN", error.Message);

        var path = await Downloader(token: "secret").DownloadFileAsync(GgufPath, null, CancellationToken.None);
        Assert.True(File.Exists(path));
        Assert.Equal("Bearer secret", server.Requests.Last().Header("Authorization"));
    }

    [Fact]
    public async Task UnreachableServerGivesActionableMessage()
    {
        var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        var endpoint = $"http://127.0.0.1:{port}";

        var error = await Assert.ThrowsAsync<ModelDownloadException>(
            () => Downloader(endpoint: endpoint).DownloadFileAsync(GgufPath, null, CancellationToken.None));

        Assert.StartsWith($"cannot reach {endpoint} to download {GgufPath}: ", error.Message);
        Assert.Contains("HF_ENDPOINT", error.Message);
        Assert.Contains(models.Path, error.Message);
        Assert.Contains("qwen3-tts models list", error.Message);
        Assert.False(File.Exists(models.Combine(GgufPath)));
    }

    [Fact]
    public async Task CancellationLeavesNoFinalFile()
    {
        server.AddFile(GgufPath, FakeHubServer.RandomBytes(200_000, seed: 10));
        server.StallAfterBytes = 10_000;
        using var cancel = new CancellationTokenSource();
        var progress = new SyncProgress<DownloadProgress>(_ => cancel.CancelAfter(TimeSpan.FromMilliseconds(200)));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Downloader().DownloadFileAsync(GgufPath, progress, cancel.Token));

        Assert.False(File.Exists(models.Combine(GgufPath)));
    }

    [Fact]
    public async Task PullRoleDownloadsTheManifestAndSkipsFilesAlreadyPresent()
    {
        foreach (var repoPath in ModelManifest.FilesFor(ModelRole.Predictor, PredictorQuant.Q4_0))
        {
            server.AddFile(repoPath, FakeHubServer.RandomBytes(1000, seed: repoPath.Length));
        }

        var present = models.Touch("predictor/embeddings/codec_embedding.npy", length: 7);
        var downloader = Downloader(quant: PredictorQuant.Q4_0);

        await downloader.PullRoleAsync(ModelRole.Predictor, null, CancellationToken.None);

        Assert.Equal(7, new FileInfo(present).Length);
        Assert.Equal(
            ["predictor/code_predictor/code-predictor-q4_0.gguf", "predictor/embeddings/tts_pad_embed.npy"],
            server.Requests.Select(r => r.Path.Split("/resolve/main/")[1]).ToArray());
        var store = new ModelStore(Options(server.Endpoint, null, PredictorQuant.Q4_0));
        Assert.EndsWith("code-predictor-q4_0.gguf", store.ResolvePredictor().Gguf);
    }

    [Fact]
    public async Task RejectsPathsThatEscapeTheModelsDirectory()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Downloader().DownloadFileAsync("../etc/passwd", null, CancellationToken.None));
        Assert.Empty(server.Requests);
    }

    private HuggingFaceDownloader Downloader(string? endpoint = null, string? token = null, PredictorQuant quant = PredictorQuant.Q8_0) =>
        new(http, Options(endpoint ?? server.Endpoint, token, quant)) { RetryDelay = TimeSpan.FromMilliseconds(10) };

    private ModelStoreOptions Options(string endpoint, string? token, PredictorQuant quant) => new()
    {
        ModelsDirectory = models.Path,
        Repository = FakeHubServer.Repository,
        Revision = FakeHubServer.Revision,
        Endpoint = endpoint,
        HfToken = token,
        Quant = quant,
    };
}
