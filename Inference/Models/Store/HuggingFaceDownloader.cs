using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Qwen3Tts.Inference.Models.Store;

/// <summary>
/// Downloads model files from a Hugging Face repo into the models tree. Data goes to
/// <c>&lt;file&gt;.part</c>, resumes with a Range request after a cut connection, is checked
/// against the announced size (and sha256 for LFS files) and only then moved to its final name,
/// so a file under its final name is always complete.
/// </summary>
public sealed class HuggingFaceDownloader(HttpClient http, ModelStoreOptions options, ILogger<HuggingFaceDownloader>? logger = null)
{
    private const int MaxRedirects = 10;
    private const int BufferSize = 1 << 20;
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(100);

    private readonly ILogger logger = logger ?? NullLogger<HuggingFaceDownloader>.Instance;

    /// <summary>Attempts per file before a transient failure (cut connection, 5xx) is reported.</summary>
    internal int MaxAttempts { get; set; } = 3;

    /// <summary>A body that delivers nothing for this long counts as a cut connection, so a dead link never hangs a pull.</summary>
    internal TimeSpan StallTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Wait before retry n is n times this.</summary>
    internal TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Downloads every file of the role that is not already present.</summary>
    public async Task PullRoleAsync(ModelRole role, IProgress<DownloadProgress>? progress, CancellationToken ct)
    {
        foreach (var repoPath in ModelManifest.FilesFor(role, options.Quant, options.Vocoder))
        {
            var finalPath = ModelStore.LocalPath(options.ModelsDirectory, repoPath);
            if (File.Exists(finalPath))
            {
                // Only checked, complete files are ever moved to a final name, so presence means done.
                var length = new FileInfo(finalPath).Length;
                logger.LogInformation("{File} is already present ({Bytes} bytes), skipping", repoPath, length);
                progress?.Report(new DownloadProgress(repoPath, length, length, 0));
                continue;
            }

            await DownloadFileAsync(repoPath, progress, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Downloads one repo file (forward-slash path) and returns its local path.</summary>
    public async Task<string> DownloadFileAsync(string repoPath, IProgress<DownloadProgress>? progress, CancellationToken ct)
    {
        ValidateRepoPath(repoPath);
        var finalPath = ModelStore.LocalPath(options.ModelsDirectory, repoPath);
        var partPath = finalPath + ".part";
        Directory.CreateDirectory(Path.GetDirectoryName(finalPath)!);

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await DownloadOnceAsync(repoPath, finalPath, partPath, progress, ct).ConfigureAwait(false);
                logger.LogInformation("Downloaded {File} to {Path}", repoPath, finalPath);
                return finalPath;
            }
            catch (TransientDownloadException ex) when (attempt < MaxAttempts)
            {
                logger.LogWarning("Download of {File} interrupted ({Reason}); retrying ({Attempt}/{MaxAttempts})",
                    repoPath, ex.Message, attempt + 1, MaxAttempts);
                await Task.Delay(RetryDelay * attempt, ct).ConfigureAwait(false);
            }
            catch (TransientDownloadException ex)
            {
                var kept = File.Exists(partPath)
                    ? $" The partial file {partPath} is kept; run the command again to resume."
                    : "";
                throw new ModelDownloadException(
                    $"downloading {repoPath} from {FileUrl(repoPath)} failed after {MaxAttempts} attempts: {ex.Message}.{kept}",
                    repoPath, ex.InnerException);
            }
        }
    }

    private async Task DownloadOnceAsync(string repoPath, string finalPath, string partPath, IProgress<DownloadProgress>? progress, CancellationToken ct)
    {
        var resumeFrom = File.Exists(partPath) ? new FileInfo(partPath).Length : 0;
        var metadata = new HubFileMetadata();
        using var response = await SendFollowingRedirectsAsync(repoPath, resumeFrom, metadata, ct).ConfigureAwait(false);

        long? announcedTotal;
        bool append;
        switch (response.StatusCode)
        {
            case HttpStatusCode.PartialContent:
                var range = response.Content.Headers.ContentRange;
                if (range?.From != resumeFrom)
                {
                    // A range we did not ask for cannot be appended; start over.
                    File.Delete(partPath);
                    throw new TransientDownloadException($"the server answered the resume request with range '{range}'");
                }

                announcedTotal = range.Length;
                append = true;
                break;
            case HttpStatusCode.OK:
                if (resumeFrom > 0)
                {
                    logger.LogInformation("Server ignored the resume request for {File}; restarting from the beginning", repoPath);
                }

                announcedTotal = response.Content.Headers.ContentLength;
                append = false;
                break;
            case HttpStatusCode.RequestedRangeNotSatisfiable:
                // The .part already holds the whole file (the process stopped before the move).
                var total = response.Content.Headers.ContentRange?.Length ?? metadata.LinkedSize;
                if (total == resumeFrom)
                {
                    await CompleteAsync(repoPath, partPath, finalPath, metadata.LinkedSize ?? total, metadata.Sha256, ct).ConfigureAwait(false);
                    return;
                }

                File.Delete(partPath);
                throw new TransientDownloadException($"the server rejected resuming at byte {resumeFrom}");
            default:
                throw ErrorFor(response, repoPath);
        }

        // HF's own claim about the file wins over the transport's framing.
        var expectedSize = metadata.LinkedSize ?? announcedTotal;
        await CopyBodyAsync(repoPath, response, partPath, append ? resumeFrom : 0, expectedSize, progress, ct).ConfigureAwait(false);
        await CompleteAsync(repoPath, partPath, finalPath, expectedSize, metadata.Sha256, ct).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> SendFollowingRedirectsAsync(string repoPath, long resumeFrom, HubFileMetadata metadata, CancellationToken ct)
    {
        var url = new Uri(FileUrl(repoPath));
        var endpointHost = url.Host;
        for (var hop = 0; hop <= MaxRedirects; hop++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            if (resumeFrom > 0)
            {
                request.Headers.Range = new RangeHeaderValue(resumeFrom, null);
            }

            // The token is for the hub only; LFS redirects go to a CDN with a signed URL.
            if (options.HfToken is { } token && string.Equals(url.Host, endpointHost, StringComparison.OrdinalIgnoreCase))
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            }
            catch (HttpRequestException) when (ct.IsCancellationRequested)
            {
                throw new OperationCanceledException(ct);
            }
            catch (HttpRequestException ex) when (ex.HttpRequestError is HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError)
            {
                throw Unreachable(repoPath, ex);
            }
            catch (HttpRequestException ex)
            {
                throw new TransientDownloadException(Innermost(ex).Message, ex);
            }
            catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
            {
                throw new TransientDownloadException("the request timed out", ex);
            }

            metadata.Collect(response);
            var status = (int)response.StatusCode;
            if (status is >= 300 and < 400 && response.Headers.Location is { } location)
            {
                url = location.IsAbsoluteUri ? location : new Uri(url, location);
                response.Dispose();
                continue;
            }

            return response;
        }

        throw new ModelDownloadException($"downloading {repoPath} from {FileUrl(repoPath)}: more than {MaxRedirects} redirects", repoPath);
    }

    private async Task CopyBodyAsync(string repoPath, HttpResponseMessage response, string partPath, long startAt, long? expectedSize, IProgress<DownloadProgress>? progress, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        var clock = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;
        var done = startAt;
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(ct);
        try
        {
            await using var file = new FileStream(partPath, startAt > 0 ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
            await using var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            progress?.Report(new DownloadProgress(repoPath, done, expectedSize, 0));
            while (true)
            {
                int read;
                try
                {
                    stall.CancelAfter(StallTimeout);
                    read = await body.ReadAsync(buffer.AsMemory(0, BufferSize), stall.Token).ConfigureAwait(false);
                }
                catch (Exception) when (ct.IsCancellationRequested)
                {
                    throw new OperationCanceledException(ct);
                }
                catch (Exception ex) when (ex is IOException or HttpRequestException)
                {
                    throw new TransientDownloadException($"connection lost after {done} bytes: {Innermost(ex).Message}", ex);
                }
                catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
                {
                    throw new TransientDownloadException($"no data for {StallTimeout.TotalSeconds:0} s after {done} bytes", ex);
                }

                if (read == 0)
                {
                    break;
                }

                await file.WriteAsync(buffer.AsMemory(0, read), ct).ConfigureAwait(false);
                done += read;
                if (done > expectedSize)
                {
                    // Stop early rather than fill the disk with a file that cannot pass the check.
                    break;
                }

                if (clock.Elapsed - lastReport >= ProgressInterval)
                {
                    lastReport = clock.Elapsed;
                    progress?.Report(new DownloadProgress(repoPath, done, expectedSize, Rate(done - startAt, clock.Elapsed)));
                }
            }

            progress?.Report(new DownloadProgress(repoPath, done, expectedSize, Rate(done - startAt, clock.Elapsed)));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task CompleteAsync(string repoPath, string partPath, string finalPath, long? expectedSize, string? expectedSha256, CancellationToken ct)
    {
        var got = new FileInfo(partPath).Length;
        if (expectedSize is { } expected && got != expected)
        {
            File.Delete(partPath);
            throw new ModelDownloadException(
                $"downloaded {repoPath} has the wrong size: expected {expected} bytes, got {got}. The partial download was deleted; try again.",
                repoPath);
        }

        if (expectedSize is null)
        {
            logger.LogWarning("The server did not announce the size of {File}; it cannot be checked", repoPath);
        }

        if (expectedSha256 is not null)
        {
            string actual;
            await using (var file = new FileStream(partPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true))
            {
                actual = Convert.ToHexStringLower(await SHA256.HashDataAsync(file, ct).ConfigureAwait(false));
            }

            if (actual != expectedSha256)
            {
                File.Delete(partPath);
                throw new ModelDownloadException(
                    $"downloaded {repoPath} is corrupt: sha256 expected {expectedSha256}, got {actual}. The download was deleted; try again.",
                    repoPath);
            }
        }

        File.Move(partPath, finalPath, overwrite: true);
    }

    private ModelDownloadException ErrorFor(HttpResponseMessage response, string repoPath)
    {
        var status = (int)response.StatusCode;
        var url = FileUrl(repoPath);
        return response.StatusCode switch
        {
            HttpStatusCode.NotFound => new ModelDownloadException(
                $"{repoPath} was not found in repository '{options.Repository}' at revision '{options.Revision}' (HTTP 404 from {url}). " +
                "Check --repo and --revision.", repoPath) { IsNotFound = true },
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new ModelDownloadException(
                $"access to {url} was denied (HTTP {status}). " + (options.HfToken is null
                    ? $"The repository may be private or gated: set {ModelStoreOptions.TokenVariable} to a Hugging Face access token with read access."
                    : $"The token in {ModelStoreOptions.TokenVariable} was rejected or lacks read access to '{options.Repository}'."),
                repoPath),
            _ when status >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests =>
                throw new TransientDownloadException($"HTTP {status} {response.ReasonPhrase} from {url}"),
            _ => new ModelDownloadException($"downloading {repoPath} failed: HTTP {status} {response.ReasonPhrase} from {url}", repoPath),
        };
    }

    private ModelDownloadException Unreachable(string repoPath, HttpRequestException ex) => new(
        $"cannot reach {options.Endpoint} to download {repoPath}: {Innermost(ex).Message}. " +
        $"Check the network, set {ModelStoreOptions.EndpointVariable} to a mirror, or copy the files into {options.ModelsDirectory} " +
        "(see `qwen3-tts models list`).",
        repoPath, ex);

    private string FileUrl(string repoPath) =>
        $"{options.Endpoint.TrimEnd('/')}/{options.Repository}/resolve/{Uri.EscapeDataString(options.Revision)}/{repoPath}";

    private static void ValidateRepoPath(string repoPath)
    {
        if (string.IsNullOrWhiteSpace(repoPath) || repoPath.StartsWith('/') || Path.IsPathRooted(repoPath)
            || repoPath.Split('/', '\\').Any(part => part is "" or "." or ".."))
        {
            throw new ArgumentException($"'{repoPath}' is not a relative file path inside the repository", nameof(repoPath));
        }
    }

    private static double Rate(long bytes, TimeSpan elapsed) =>
        elapsed.TotalSeconds > 0 ? bytes / elapsed.TotalSeconds : 0;

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }

        return ex;
    }

    /// <summary>A failure worth retrying: the .part (if any) is valid to resume from.</summary>
    private sealed class TransientDownloadException(string message, Exception? inner = null) : Exception(message, inner);
}
