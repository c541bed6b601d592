using Qwen3Tts.Inference.Audio;
using Qwen3Tts.Inference.Formats;

namespace Qwen3Tts.Cli;

/// <summary>
/// Where the CLI writes audio: stdout ("-") or a file that appears only when complete.
/// A file is written progressively into an <see cref="AtomicFile"/> and moved over the target on
/// <see cref="CommitAsync"/>; disposing without committing deletes the temporary file, so a failed
/// or cancelled run leaves the target as it was (absent, or with its old content).
/// </summary>
internal sealed class AudioOutput : IAsyncDisposable
{
    public const string StandardOutputName = "-";

    private readonly WavWriter _writer;
    private readonly AtomicFile? _file;

    private AudioOutput(WavWriter writer, AtomicFile? file)
    {
        _writer = writer;
        _file = file;
    }

    /// <summary>How the output is named in messages.</summary>
    public string DisplayName => _file?.Path ?? "stdout";

    public static bool IsStandardOutput(string path) => path == StandardOutputName;

    /// <summary>Opens stdout, or a temporary file beside <paramref name="path"/> (creating its directory).</summary>
    public static AudioOutput Open(string path, AudioFormat format, int sampleRate, Stream? standardOutput = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (IsStandardOutput(path))
        {
            // Not seekable: a WAV header then carries the streaming "unknown size" markers.
            var stdout = standardOutput ?? Console.OpenStandardOutput();
            return new AudioOutput(new WavWriter(stdout, sampleRate, 1, format, leaveOpen: standardOutput is not null), null);
        }

        var file = AtomicFile.Create(path, useAsync: true);
        return new AudioOutput(new WavWriter(file.Stream, sampleRate, 1, format, leaveOpen: true), file);
    }

    public ValueTask WriteAsync(ReadOnlyMemory<float> samples, CancellationToken cancellationToken) =>
        _writer.WriteSamplesAsync(samples, cancellationToken);

    /// <summary>Finishes the header and moves the file into place.</summary>
    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        await _writer.DisposeAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        _file?.Commit();
    }

    public async ValueTask DisposeAsync()
    {
        await _writer.DisposeAsync().ConfigureAwait(false);
        _file?.Dispose();
    }
}
