using System.Diagnostics;
using Qwen3Tts.Cli.Commands;
using Qwen3Tts.Inference.Audio;
using Qwen3Tts.Inference.Codec.Decoder;
using Qwen3Tts.Inference.Vocoder;
using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Models.Store;

namespace Qwen3Tts.Cli;

/// <summary>What `decode` was asked to do.</summary>
internal sealed record DecodeSettings(string CodesFile, string Output, string? ModelsDirectory)
{
    /// <summary>Frames per decode call; null = all at once.</summary>
    public int? ChunkFrames { get; init; }

    /// <summary><c>--format</c>: null = from the output's extension, as <c>speak</c> does.</summary>
    public string? Format { get; init; }

    /// <summary>Native (the exact decoder) or the seed's ONNX window, to compare the two.</summary>
    public VocoderEngine Vocoder { get; init; } = VocoderEngine.Native;
}

/// <summary>
/// Codes file to audio: the input is read and checked completely before any model is loaded or any output
/// opened, so bad input costs one line on stderr and exit code 2, and leaves no file behind.
/// </summary>
internal static class DecodeJob
{
    /// <summary>A codes file larger than this is refused before it is read (an hour of audio is ~4 MB of JSON).</summary>
    public const long MaxCodesFileBytes = 64L << 20;

    public static async Task<int> RunAsync(DecodeSettings settings, TextWriter error, CancellationToken cancellationToken)
    {
        var format = OutputFormat.Resolve(settings.Output, settings.Format);
        format.EnsureAvailable();
        var codes = ReadCodes(settings);
        var frames = codes.Length / CodecTokenIds.CodebookCount;
        var store = new ModelStore(new ModelStoreOptions { ModelsDirectory = ModelsListCommand.ModelsDirectory(settings.ModelsDirectory), Vocoder = settings.Vocoder });
        // Native: the given chunk for every call (default: the whole utterance at once). ONNX: its window's chunking.
        var chunk = settings.ChunkFrames ?? (settings.Vocoder == VocoderEngine.Native ? frames : (int?)null);
        var options = new VocoderOptions { Engine = settings.Vocoder, ChunkFrames = chunk, FirstChunkFrames = chunk ?? 1 };

        var clock = Stopwatch.StartNew();
        using var vocoder = VocoderLoader.Load(store, options);
        var loaded = clock.Elapsed;
        using var stream = vocoder.OpenStream();

        clock.Restart();
        await using var output = AudioOutput.Open(settings.Output, format);
        for (var frame = 0; frame < frames; frame++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            stream.Append(codes.AsSpan(frame * CodecTokenIds.CodebookCount, CodecTokenIds.CodebookCount));
            while (stream.TryDecode(out var part, flush: frame == frames - 1))
            {
                await output.WriteAsync(part, cancellationToken).ConfigureAwait(false);
            }
        }
        await output.CommitAsync(cancellationToken).ConfigureAwait(false);
        var seconds = frames * vocoder.SamplesPerFrame / (double)CodecAudio.SampleRate;
        error.WriteLine(FormattableString.Invariant(
            $"decoded {frames} frames ({seconds:F2} s of audio) in {clock.Elapsed.TotalSeconds:F2} s ({clock.Elapsed.TotalMilliseconds / frames:F1} ms per frame, chunks of {stream.ChunkFrames}; load {loaded.TotalSeconds:F1} s, {vocoder.Engine.Name()}) -> {output.DisplayName}"));
        return CliExitCodes.Ok;
    }

    private static long[] ReadCodes(DecodeSettings settings)
    {
        if (settings.ChunkFrames is < 1)
        {
            throw new ArgumentException($"--chunk must be at least 1, got {settings.ChunkFrames}");
        }
        if (string.IsNullOrEmpty(settings.Output))
        {
            throw new ArgumentException("the output path is empty (use - for stdout)");
        }
        var info = new FileInfo(settings.CodesFile);
        if (!info.Exists)
        {
            throw new ArgumentException($"{settings.CodesFile}: codes file not found");
        }
        if (info.Length > MaxCodesFileBytes)
        {
            throw new ArgumentException($"{settings.CodesFile}: {info.Length} bytes is more than a codes file can be ({MaxCodesFileBytes} bytes)");
        }
        try
        {
            return CodesFile.Parse(File.ReadAllBytes(info.FullName), CodecTokenIds.CodebookCount, CodecTokenIds.CodebookSize);
        }
        catch (FormatException ex)
        {
            throw new ArgumentException($"{settings.CodesFile}: {ex.Message}", ex);
        }
    }
}
