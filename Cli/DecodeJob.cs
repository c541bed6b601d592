using System.Diagnostics;
using Qwen3Tts.Cli.Commands;
using Qwen3Tts.Inference.Audio;
using Qwen3Tts.Inference.Codec.Decoder;
using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Models.Store;

namespace Qwen3Tts.Cli;

/// <summary>What `decode` was asked to do.</summary>
internal sealed record DecodeSettings(string CodesFile, string Output, string? ModelsDirectory)
{
    /// <summary>Frames per decode call; null = all at once.</summary>
    public int? ChunkFrames { get; init; }

    public AudioFormat Format { get; init; } = AudioFormat.WavPcm16;
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
        var codes = ReadCodes(settings);
        var frames = codes.Length / CodecTokenIds.CodebookCount;
        var store = new ModelStore(new ModelStoreOptions { ModelsDirectory = ModelsListCommand.ModelsDirectory(settings.ModelsDirectory) });
        var files = store.ResolveSpeechTokenizer();

        var clock = Stopwatch.StartNew();
        using var decoder = SpeechTokenizerDecoder.Load(files.Safetensors);
        var loaded = clock.Elapsed;
        if (decoder.CodebookCount != CodecTokenIds.CodebookCount)
        {
            throw new ArgumentException($"the decoder in {files.Safetensors} takes {decoder.CodebookCount} codebooks; the codes have {CodecTokenIds.CodebookCount}");
        }
        using var session = decoder.CreateSession();
        var chunk = settings.ChunkFrames ?? frames;
        var samplesPerFrame = decoder.SamplesPerFrame;
        var audio = new float[chunk * samplesPerFrame];

        clock.Restart();
        await using var output = AudioOutput.Open(settings.Output, settings.Format, CodecAudio.SampleRate);
        for (var start = 0; start < frames; start += chunk)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = Math.Min(chunk, frames - start);
            var part = audio.AsMemory(0, count * samplesPerFrame);
            session.Decode(codes.AsSpan(start * CodecTokenIds.CodebookCount, count * CodecTokenIds.CodebookCount), part.Span);
            await output.WriteAsync(part, cancellationToken).ConfigureAwait(false);
        }
        await output.CommitAsync(cancellationToken).ConfigureAwait(false);
        var seconds = frames * samplesPerFrame / (double)CodecAudio.SampleRate;
        error.WriteLine(FormattableString.Invariant(
            $"decoded {frames} frames ({seconds:F2} s of audio) in {clock.Elapsed.TotalSeconds:F2} s ({clock.Elapsed.TotalMilliseconds / frames:F1} ms per frame, chunks of {chunk}; load {loaded.TotalSeconds:F1} s) -> {output.DisplayName}"));
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
