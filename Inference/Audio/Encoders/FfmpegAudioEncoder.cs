using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Qwen3Tts.Inference.Audio.Encoders;

/// <summary>
/// <see cref="SpeechFormat.Mp3"/> (libmp3lame, constant bit rate, no Xing header: a pipe cannot be rewound to fill it in)
/// and <see cref="SpeechFormat.Aac"/> (AAC-LC in ADTS, which needs no seekable container) through an ffmpeg child
/// process: 16-bit PCM goes to its stdin, and its stdout is copied to the output as it comes, flushed after every read
/// when streaming. Bit-exact flags and no metadata, so the same audio gives the same bytes.
/// </summary>
public sealed class FfmpegAudioEncoder : IAudioEncoder
{
    private const int StderrLimit = 4096;

    private readonly Process _process;
    private readonly Stream _stdin;
    private readonly Task _pump;
    private readonly Task<string> _errors;
    private readonly CancellationTokenSource _stop = new();
    private bool _completed;

    public FfmpegAudioEncoder(SpeechFormat format, Stream output, AudioEncoderOptions options)
    {
        options.Ffmpeg.EnsureAvailable(format);
        Format = format;
        var bitrate = (options.CompressedBitrate / 1000).ToString(CultureInfo.InvariantCulture) + "k";
        string[] codec = format == SpeechFormat.Mp3
            ? ["-c:a", "libmp3lame", "-b:a", bitrate, "-write_xing", "0", "-id3v2_version", "0", "-f", "mp3"]
            : ["-c:a", "aac", "-b:a", bitrate, "-f", "adts"];
        var start = new ProcessStartInfo(options.Ffmpeg.ExecutablePath!)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[
            "-hide_banner", "-loglevel", "error", "-nostats",
            "-f", "s16le", "-ar", options.SampleRate.ToString(CultureInfo.InvariantCulture), "-ac", "1", "-i", "pipe:0",
            "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:a", "+bitexact",
            .. codec, "-flush_packets", "1", "pipe:1"])
        {
            start.ArgumentList.Add(argument);
        }
        try
        {
            _process = Process.Start(start) ?? throw new AudioEncoderException($"ffmpeg ({start.FileName}) did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new AudioEncoderException($"ffmpeg ({start.FileName}) could not be started: {e.Message}", e);
        }
        _stdin = _process.StandardInput.BaseStream;
        _errors = ReadLimitedAsync(_process.StandardError);
        _pump = PumpAsync(_process.StandardOutput.BaseStream, output, options.Streaming, _stop.Token);
    }

    public SpeechFormat Format { get; }

    public long SamplesWritten { get; private set; }

    public async ValueTask WriteAsync(ReadOnlyMemory<float> samples, CancellationToken cancellationToken)
    {
        if (samples.IsEmpty)
        {
            return;
        }
        var bytes = ArrayPool<byte>.Shared.Rent(samples.Length * sizeof(short));
        try
        {
            var pcm = MemoryMarshal.Cast<byte, short>(bytes.AsSpan(0, samples.Length * sizeof(short)));
            PcmConversion.FloatToPcm16(samples.Span, pcm);
            if (!BitConverter.IsLittleEndian)
            {
                System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(pcm, pcm);
            }
            await _stdin.WriteAsync(bytes.AsMemory(0, samples.Length * sizeof(short)), cancellationToken).ConfigureAwait(false);
            await _stdin.FlushAsync(cancellationToken).ConfigureAwait(false);
            SamplesWritten += samples.Length;
        }
        catch (IOException e)
        {
            throw await FailureAsync("stopped taking audio", e).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    public async ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _stdin.DisposeAsync().ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw await FailureAsync("stopped taking audio", e).ConfigureAwait(false);
        }
        await _pump.WaitAsync(cancellationToken).ConfigureAwait(false);
        await _process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (_process.ExitCode != 0)
        {
            throw await FailureAsync($"exited with code {_process.ExitCode}", null).ConfigureAwait(false);
        }
        _completed = true;
    }

    private async Task<AudioEncoderException> FailureAsync(string what, Exception? inner)
    {
        var errors = await _errors.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        return new AudioEncoderException($"ffmpeg ({Format.Name()}) {what}{(errors.Length > 0 ? ": " + errors.Trim() : "")}", inner);
    }

    private static async Task PumpAsync(Stream from, Stream to, bool flush, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                await to.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                if (flush)
                {
                    await to.FlushAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            await to.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task<string> ReadLimitedAsync(StreamReader reader)
    {
        var text = new StringBuilder();
        var buffer = new char[1024];
        int read;
        while ((read = await reader.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            if (text.Length < StderrLimit)
            {
                text.Append(buffer, 0, Math.Min(read, StderrLimit - text.Length));
            }
        }
        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_completed)
        {
            // Abandoned (the client went away, synthesis failed): stop ffmpeg now rather than letting it wait on stdin.
            await _stop.CancelAsync().ConfigureAwait(false);
            try
            {
                if (!_process.HasExited)
                {
                    _process.Kill(entireProcessTree: true);
                }
            }
            catch (InvalidOperationException)
            {
                // It exited between the check and the kill.
            }
        }
        try
        {
            await _pump.ConfigureAwait(false);
        }
        catch (Exception) when (!_completed)
        {
            // The output of an abandoned encoding no longer matters.
        }
        await _process.WaitForExitAsync().ConfigureAwait(false);
        _process.Dispose();
        _stop.Dispose();
    }
}
