using Qwen3Tts.Inference.Audio.Encoders;
using Qwen3Tts.Inference.Formats;

namespace Qwen3Tts.Cli;

/// <summary>
/// Where the CLI writes audio: stdout ("-") or a file that appears only when complete, in any <see cref="SpeechFormat"/>.
/// A file is written progressively into an <see cref="AtomicFile"/> and moved over the target on
/// <see cref="CommitAsync"/>; disposing without committing deletes the temporary file, so a failed
/// or cancelled run leaves the target as it was (absent, or with its old content).
/// </summary>
internal sealed class AudioOutput : IAsyncDisposable
{
    public const string StandardOutputName = "-";

    private readonly IAudioEncoder _encoder;
    private readonly AtomicFile? _file;

    private AudioOutput(IAudioEncoder encoder, AtomicFile? file)
    {
        _encoder = encoder;
        _file = file;
    }

    /// <summary>How the output is named in messages.</summary>
    public string DisplayName => _file?.Path ?? "stdout";

    public static bool IsStandardOutput(string path) => path == StandardOutputName;

    /// <summary>Opens stdout, or a temporary file beside <paramref name="path"/> (creating its directory).</summary>
    public static AudioOutput Open(string path, OutputFormat format, Stream? standardOutput = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (IsStandardOutput(path))
        {
            // Not seekable: WAV and FLAC headers carry their "unknown size" markers, and every chunk is flushed.
            var stdout = standardOutput ?? Console.OpenStandardOutput();
            return new AudioOutput(AudioEncoders.Create(format.Format, stdout, format.EncoderOptions(streaming: true)), null);
        }

        var file = AtomicFile.Create(path, useAsync: true);
        try
        {
            return new AudioOutput(AudioEncoders.Create(format.Format, file.Stream, format.EncoderOptions(streaming: false)), file);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public ValueTask WriteAsync(ReadOnlyMemory<float> samples, CancellationToken cancellationToken) =>
        _encoder.WriteAsync(samples, cancellationToken);

    /// <summary>Finishes the encoding and moves the file into place.</summary>
    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        await _encoder.CompleteAsync(cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        _file?.Commit();
    }

    public async ValueTask DisposeAsync()
    {
        await _encoder.DisposeAsync().ConfigureAwait(false);
        _file?.Dispose();
    }
}
