using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Qwen3Tts.Tests.Store;

/// <summary>
/// A minimal HTTP/1.1 file server on 127.0.0.1 that speaks the parts of the Hugging Face resolve
/// API the downloader relies on (Range, Content-Range, ETag, X-Linked-*, redirects), with switches
/// to misbehave. One request per connection.
/// </summary>
internal sealed class FakeHubServer : IAsyncDisposable
{
    public const string Repository = "test-org/test-models";
    public const string Revision = "main";

    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stopping = new();
    private readonly ConcurrentDictionary<string, byte[]> files = new();
    private readonly Task acceptLoop;
    private int responsesCut;
    private int responsesStalled;

    public FakeHubServer()
    {
        listener.Start();
        acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public string Endpoint => $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>Cut the connection after this many body bytes, for the first <see cref="CutResponses"/> responses.</summary>
    public int? CutAfterBytes { get; set; }

    public int CutResponses { get; set; } = 1;

    /// <summary>Send this many body bytes, then stall without closing, for the first response.</summary>
    public int? StallAfterBytes { get; set; }

    /// <summary>Answer every request with 200 and the whole file, as servers without Range support do.</summary>
    public bool IgnoreRange { get; set; }

    /// <summary>Announce this as X-Linked-Size instead of the true size.</summary>
    public long? LinkedSizeOverride { get; set; }

    /// <summary>Announce the file's sha256 as ETag (what HF does for LFS files).</summary>
    public bool SendSha256 { get; set; } = true;

    /// <summary>Announce this sha256 instead of the true one.</summary>
    public string? Sha256Override { get; set; }

    /// <summary>Answer resolve URLs with a 302 to a CDN path carrying X-Linked-Size/X-Linked-Etag, like HF does for LFS.</summary>
    public bool RedirectToCdn { get; set; }

    /// <summary>Answer 401 unless this bearer token is sent.</summary>
    public string? RequiredToken { get; set; }

    public void AddFile(string repoPath, byte[] content) => files[repoPath] = content;

    public static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public async ValueTask DisposeAsync()
    {
        stopping.Cancel();
        listener.Stop();
        try
        {
            await acceptLoop;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            var client = await listener.AcceptTcpClientAsync(stopping.Token);
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var request = await ReadRequestAsync(stream);
                if (request is null)
                {
                    return;
                }

                Requests.Enqueue(request);
                await RespondAsync(stream, request);
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The client went away; nothing to answer.
            }
        }
    }

    private async Task RespondAsync(NetworkStream stream, RecordedRequest request)
    {
        if (RequiredToken is not null && request.Header("Authorization") != $"Bearer {RequiredToken}")
        {
            await WriteHeadAsync(stream, "401 Unauthorized", new() { ["Content-Length"] = "0" });
            return;
        }

        var resolvePrefix = $"/{Repository}/resolve/{Revision}/";
        const string cdnPrefix = "/cdn/";
        string repoPath;
        if (request.Path.StartsWith(resolvePrefix, StringComparison.Ordinal))
        {
            repoPath = request.Path[resolvePrefix.Length..];
            if (RedirectToCdn && files.TryGetValue(repoPath, out var linked))
            {
                await WriteHeadAsync(stream, "302 Found", new()
                {
                    ["Location"] = cdnPrefix + repoPath,
                    ["X-Linked-Size"] = (LinkedSizeOverride ?? linked.Length).ToString(),
                    ["X-Linked-Etag"] = $"\"{Sha256Override ?? Sha256Hex(linked)}\"",
                    ["Content-Length"] = "0",
                });
                return;
            }
        }
        else if (RedirectToCdn && request.Path.StartsWith(cdnPrefix, StringComparison.Ordinal))
        {
            repoPath = request.Path[cdnPrefix.Length..];
        }
        else
        {
            repoPath = "";
        }

        if (!files.TryGetValue(repoPath, out var content))
        {
            await WriteHeadAsync(stream, "404 Not Found", new() { ["Content-Length"] = "0" });
            return;
        }

        var headers = new Dictionary<string, string>();
        if (!RedirectToCdn)
        {
            if (SendSha256)
            {
                headers["ETag"] = $"\"{Sha256Override ?? Sha256Hex(content)}\"";
            }

            if (LinkedSizeOverride is { } linkedSize)
            {
                headers["X-Linked-Size"] = linkedSize.ToString();
            }
        }

        var start = 0;
        var status = "200 OK";
        if (!IgnoreRange && request.Header("Range") is { } range && range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-'))
        {
            start = int.Parse(range["bytes=".Length..^1]);
            if (start >= content.Length)
            {
                headers["Content-Range"] = $"bytes */{content.Length}";
                headers["Content-Length"] = "0";
                await WriteHeadAsync(stream, "416 Range Not Satisfiable", headers);
                return;
            }

            status = "206 Partial Content";
            headers["Content-Range"] = $"bytes {start}-{content.Length - 1}/{content.Length}";
        }

        headers["Content-Length"] = (content.Length - start).ToString();
        await WriteHeadAsync(stream, status, headers);

        var body = content.AsMemory(start);
        if (CutAfterBytes is { } cut && Interlocked.Increment(ref responsesCut) <= CutResponses)
        {
            await stream.WriteAsync(body[..Math.Min(cut, body.Length)]);
            return;
        }

        if (StallAfterBytes is { } stall && Interlocked.Increment(ref responsesStalled) == 1)
        {
            await stream.WriteAsync(body[..Math.Min(stall, body.Length)]);
            await Task.Delay(Timeout.Infinite, stopping.Token);
        }

        await stream.WriteAsync(body);
    }

    private static async Task WriteHeadAsync(NetworkStream stream, string status, Dictionary<string, string> headers)
    {
        var head = new StringBuilder($"HTTP/1.1 {status}\r\nConnection: close\r\n");
        foreach (var (name, value) in headers)
        {
            head.Append($"{name}: {value}\r\n");
        }

        head.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()));
    }

    private static async Task<RecordedRequest?> ReadRequestAsync(NetworkStream stream)
    {
        var received = new List<byte>();
        var buffer = new byte[4096];
        while (true)
        {
            var read = await stream.ReadAsync(buffer);
            if (read == 0)
            {
                return null;
            }

            received.AddRange(buffer.AsSpan(0, read));
            var text = Encoding.ASCII.GetString(received.ToArray());
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end < 0)
            {
                continue;
            }

            var lines = text[..end].Split("\r\n");
            var requestLine = lines[0].Split(' ');
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var line in lines.Skip(1))
            {
                var colon = line.IndexOf(':');
                headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }

            return new RecordedRequest(requestLine[0], Uri.UnescapeDataString(requestLine[1]), headers);
        }
    }

    public static string Sha256Hex(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));
}

internal sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>Reports on the calling thread, unlike <see cref="Progress{T}"/>, so tests see every report in order.</summary>
internal sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
