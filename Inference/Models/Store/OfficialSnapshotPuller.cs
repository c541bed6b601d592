using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Qwen3Tts.Inference.Models.Store;

/// <summary>
/// Downloads an official snapshot with the resumable, size- and sha256-checked <see cref="HuggingFaceDownloader"/>:
/// the root files of a model repo, then its speech_tokenizer/; when the repo lacks speech_tokenizer/, the files
/// come from <c>Qwen/Qwen3-TTS-Tokenizer-12Hz</c> (whose root is what speech_tokenizer/ holds).
/// </summary>
public sealed class OfficialSnapshotPuller(HttpClient http, ModelStoreOptions options, ILoggerFactory? loggers = null)
{
    private readonly ILoggerFactory _loggers = loggers ?? NullLoggerFactory.Instance;

    public async Task PullAsync(IProgress<DownloadProgress>? progress, CancellationToken ct)
    {
        if (string.Equals(options.Repository, OfficialModelLayout.SpeechTokenizerRepository, StringComparison.OrdinalIgnoreCase))
        {
            await PullSpeechTokenizerAsync(options.Repository, options.Revision, progress, ct).ConfigureAwait(false);
            return;
        }
        var model = Downloader(options.Repository, options.Revision, options.ModelsDirectory);
        foreach (var file in OfficialRepositories.SnapshotFiles)
        {
            await PullFileAsync(model, options.ModelsDirectory, file, progress, ct).ConfigureAwait(false);
        }
        try
        {
            foreach (var file in OfficialRepositories.SpeechTokenizerFiles)
            {
                await PullFileAsync(model, options.ModelsDirectory, "speech_tokenizer/" + file, progress, ct).ConfigureAwait(false);
            }
        }
        catch (ModelDownloadException e) when (e.IsNotFound)
        {
            _loggers.CreateLogger<OfficialSnapshotPuller>().LogWarning(
                "{Repo} has no {File}; fetching the speech tokenizer from {Tokenizer}", options.Repository, e.RepoPath, OfficialModelLayout.SpeechTokenizerRepository);
            // The model repo's revision names one of its own commits; the tokenizer repo is taken at main.
            await PullSpeechTokenizerAsync(OfficialModelLayout.SpeechTokenizerRepository, "main", progress, ct).ConfigureAwait(false);
        }
    }

    private async Task PullSpeechTokenizerAsync(string repository, string revision, IProgress<DownloadProgress>? progress, CancellationToken ct)
    {
        var directory = Path.Combine(options.ModelsDirectory, "speech_tokenizer");
        var tokenizer = Downloader(repository, revision, directory);
        foreach (var file in OfficialRepositories.SpeechTokenizerFiles)
        {
            await PullFileAsync(tokenizer, directory, file, progress, ct).ConfigureAwait(false);
        }
    }

    private static async Task PullFileAsync(HuggingFaceDownloader downloader, string directory, string repoPath, IProgress<DownloadProgress>? progress, CancellationToken ct)
    {
        var local = ModelStore.LocalPath(directory, repoPath);
        if (File.Exists(local))
        {
            // Only checked, complete files are ever moved to a final name, so presence means done.
            var length = new FileInfo(local).Length;
            progress?.Report(new DownloadProgress(repoPath, length, length, 0));
            return;
        }
        await downloader.DownloadFileAsync(repoPath, progress, ct).ConfigureAwait(false);
    }

    private HuggingFaceDownloader Downloader(string repository, string revision, string directory) => new(http, new ModelStoreOptions
    {
        ModelsDirectory = directory,
        Repository = repository,
        Revision = revision,
        Endpoint = options.Endpoint,
        HfToken = options.HfToken,
    }, _loggers.CreateLogger<HuggingFaceDownloader>());
}
