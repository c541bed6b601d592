using Qwen3Tts.Inference.Audio;

namespace Qwen3Tts.Cli;

/// <summary>
/// Where the CLI writes audio: stdout ("-") or a file that appears only when complete.
/// A file is written progressively into a hidden temporary file next to it and renamed over the
/// target on <see cref="CommitAsync"/>; disposing without committing deletes the temporary file, so
/// a failed or cancelled run leaves the target as it was (absent, or with its old content).
/// </summary>
internal sealed class AudioOutput : IAsyncDisposable
{
    public const string StandardOutputName = "-";

    private readonly WavWriter _writer;
    private readonly string? _target;
    private readonly string? _temporary;
    private bool _committed;

    private AudioOutput(WavWriter writer, string? target, string? temporary)
    {
        _writer = writer;
        _target = target;
        _temporary = temporary;
    }

    /// <summary>How the output is named in messages.</summary>
    public string DisplayName => _target ?? "stdout";

    public static bool IsStandardOutput(string path) => path == StandardOutputName;

    /// <summary>Opens stdout, or a temporary file beside <paramref name="path"/> (creating its directory).</summary>
    public static AudioOutput Open(string path, AudioFormat format, int sampleRate, Stream? standardOutput = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (IsStandardOutput(path))
        {
            // Not seekable: a WAV header then carries the streaming "unknown size" markers.
            var stdout = standardOutput ?? Console.OpenStandardOutput();
            return new AudioOutput(new WavWriter(stdout, sampleRate, 1, format, leaveOpen: standardOutput is not null), null, null);
        }

        var target = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, bufferSize: 1 << 16, useAsync: true);
        try
        {
            return new AudioOutput(new WavWriter(file, sampleRate, 1, format), target, temporary);
        }
        catch
        {
            file.Dispose();
            File.Delete(temporary);
            throw;
        }
    }

    public ValueTask WriteAsync(ReadOnlyMemory<float> samples, CancellationToken cancellationToken) =>
        _writer.WriteSamplesAsync(samples, cancellationToken);

    /// <summary>Finishes the header and moves the file into place.</summary>
    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        await _writer.DisposeAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        if (_temporary is not null)
        {
            File.Move(_temporary, _target!, overwrite: true);
        }
        _committed = true;
    }

    public async ValueTask DisposeAsync()
    {
        await _writer.DisposeAsync().ConfigureAwait(false);
        if (!_committed && _temporary is not null)
        {
            TryDelete(_temporary);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // The error that aborted the write matters more; a stray hidden .tmp file is harmless.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
