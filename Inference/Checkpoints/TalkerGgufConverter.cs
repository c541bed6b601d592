using System.Buffers;
using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Qwen3Tts.Inference.Formats;
using Qwen3Tts.Inference.Formats.Gguf;
using Qwen3Tts.Inference.Formats.Safetensors;
using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Talker;

namespace Qwen3Tts.Inference.Checkpoints;

/// <summary>What a long conversion reports: bytes of weights converted so far of the total.</summary>
public readonly record struct ConversionProgress(string What, long Done, long Total)
{
    public double Fraction => Total > 0 ? Math.Min(1, Done / (double)Total) : 1;
}

/// <summary>
/// Builds the talker's runtime GGUF (llama.cpp arch <c>qwen3</c>) from an official model.safetensors:
/// the 28 layers and final norm of <c>talker.model</c> in the chosen precision, and a stub vocabulary (the first
/// rows of codec_embedding and codec_head as token_embd/output: llama.cpp needs them to load, the talker never
/// uses them). <c>talker.codec_head</c> goes in f32 to <see cref="TalkerCodecHeadFile"/>, as on the seed path.
/// Written once through an <see cref="AtomicFile"/> in <c>.runtime/</c> beside the snapshot (or the user's
/// cache), keyed by the source's size, mtime, header hash, config hash and the precision; reused while they
/// match. A failed or cancelled conversion leaves no file behind.
/// </summary>
public static class TalkerGgufConverter
{
    private const string FormatVersion = "official-2";

    public static string RuntimeFileName(WeightPrecision precision) => $"talker-{precision.CliName()}.runtime.gguf";

    public static string Prepare(OfficialCheckpoint checkpoint, WeightPrecision precision, string? cacheDirectory = null,
        ILogger? logger = null, IProgress<ConversionProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        logger ??= NullLogger.Instance;
        var files = checkpoint.Files;
        var stamp = Stamp(checkpoint, precision);
        var target = RuntimeFileLocation.For(files.Weights, RuntimeFileName(precision), cacheDirectory);
        if (TalkerRuntimeGguf.IsCurrent(target, stamp))
        {
            return target;
        }
        RuntimeFileLocation.RemoveAbandonedTemporaries(target, TimeSpan.FromMinutes(10));

        var clock = Stopwatch.StartNew();
        logger.LogInformation("converting the talker of {Source} to a {Precision} runtime GGUF at {Target}", files.Weights, precision.CliName(), target);
        var writer = Build(checkpoint, precision, stamp, progress, cancellationToken);
        writer.WriteTo(target, cancellationToken);
        TalkerCodecHeadFile.WriteOrRemove(target, () => WriteCodecHead(checkpoint, target, stamp, cancellationToken));
        logger.LogInformation("runtime talker GGUF ready in {Seconds:F1} s: {Target}", clock.Elapsed.TotalSeconds, target);
        return target;
    }

    private static GgufWriter Build(OfficialCheckpoint checkpoint, WeightPrecision precision, string stamp,
        IProgress<ConversionProgress>? progress, CancellationToken cancellationToken)
    {
        var config = checkpoint.Config;
        var c = config.Talker;
        var w = checkpoint.Weights;
        var type = precision.GgmlType();
        var writer = new GgufWriter("qwen3");
        writer.AddString("general.name", $"qwen3-tts talker ({config.Capabilities.Description}, {precision.CliName()})");
        writer.AddUInt32("general.file_type", FileType(precision));
        writer.AddString(TalkerRuntimeGguf.SourceKey, stamp);
        Qwen3GgufLayout.WriteHyperParameters(writer, "qwen3", c);
        CodecGgufVocabulary.Add(writer, CodecGgufVocabulary.MinimumSize);

        var tensors = new List<(string Gguf, string Source, GgmlType Type)>
        {
            ("token_embd.weight", OfficialTensorNames.CodecEmbedding, type),
        };
        for (var i = 0; i < c.LayerCount; i++)
        {
            foreach (var (suffix, ggufSuffix, isMatrix) in OfficialTensorNames.LayerTensors)
            {
                tensors.Add(($"blk.{i}.{ggufSuffix}", OfficialTensorNames.Layer(OfficialTensorNames.TalkerPrefix, i, suffix), isMatrix ? type : GgmlType.F32));
            }
        }
        tensors.Add(("output_norm.weight", OfficialTensorNames.TalkerNorm, GgmlType.F32));
        tensors.Add(("output.weight", OfficialTensorNames.CodecHead, GgmlType.F32));

        var total = tensors.Sum(t => w.GetTensor(t.Source) is var info && IsStub(t.Gguf) ? CodecGgufVocabulary.MinimumSize * info.Shape[^1] : info.ElementCount);
        long done = 0;
        var lastReport = -1L;
        foreach (var (name, source, storeAs) in tensors)
        {
            var info = w.GetTensor(source);
            // PyTorch [out, in] is ggml [in, out]: the rows are the same bytes.
            var dims = info.Shape.Reverse().ToArray();
            dims[^1] = Rows(name, info);
            var rowLength = checked((int)dims[0]);
            writer.AddTensor(name, dims, storeAs, (first, count, destination) =>
            {
                cancellationToken.ThrowIfCancellationRequested();
                ReadRows(w, info, first, count, rowLength, destination);
                done += (long)count * rowLength;
                var percent = done * 100 / total;
                if (progress is not null && percent != lastReport)
                {
                    lastReport = percent;
                    progress.Report(new ConversionProgress($"talker -> {precision.CliName()}", done, total));
                }
            });
        }
        return writer;
    }

    /// <summary>The stub vocabulary's tensors keep their first rows; every other tensor all of them.</summary>
    private static long Rows(string ggufName, SafetensorsTensorInfo info) => IsStub(ggufName) ? CodecGgufVocabulary.MinimumSize : info.Shape[0];

    private static bool IsStub(string ggufName) => ggufName is "token_embd.weight" or "output.weight";

    private static void WriteCodecHead(OfficialCheckpoint checkpoint, string target, string stamp, CancellationToken cancellationToken)
    {
        var w = checkpoint.Weights;
        var info = w.GetTensor(OfficialTensorNames.CodecHead);
        var hidden = checked((int)info.Shape[^1]);
        TalkerCodecHeadFile.Write(target, stamp, hidden, checked((int)info.Shape[0]), (first, count, destination) =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            ReadRows(w, info, first, count, hidden, destination);
        }, cancellationToken);
    }

    /// <summary>Rows read with pread into a pooled buffer, not through the map (<see cref="SafetensorsFile.ReadTensorBytes"/>).</summary>
    private static void ReadRows(SafetensorsFile file, SafetensorsTensorInfo info, long first, int count, int rowLength, Span<float> destination)
    {
        var item = SafetensorsDTypes.ItemSize(info.DType);
        var length = checked(count * rowLength * item);
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var bytes = buffer.AsSpan(0, length);
            file.ReadTensorBytes(info, first * rowLength * item, bytes);
            SafetensorsDTypes.ToFloat32(info.DType, bytes, destination[..(count * rowLength)]);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // llama_ftype: ALL_F32 0, MOSTLY_F16 1, MOSTLY_Q4_0 2, MOSTLY_Q8_0 7, MOSTLY_BF16 32.
    private static uint FileType(WeightPrecision precision) => precision switch
    {
        WeightPrecision.F32 => 0,
        WeightPrecision.F16 => 1,
        WeightPrecision.Q4_0 => 2,
        WeightPrecision.Q8_0 => 7,
        WeightPrecision.BF16 => 32,
        _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, null),
    };

    /// <summary>
    /// Size and mtime of model.safetensors and config.json, plus hashes of the safetensors header (every
    /// tensor's name, dtype, shape and offset) and of config.json. Hashing the 1.8–3.8 GB of weights would
    /// cost seconds on every start; a replaced file changes its size, mtime or header.
    /// </summary>
    private static string Stamp(OfficialCheckpoint checkpoint, WeightPrecision precision)
    {
        var files = checkpoint.Files;
        return $"v{FormatVersion};{precision.CliName()};{RuntimeFileLocation.Describe(files.Weights)};header:{HeaderHash(files.Weights)};" +
               $"{RuntimeFileLocation.Describe(files.Config)};config:{Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(files.Config)))[..16]}";
    }

    private static string HeaderHash(string safetensors)
    {
        using var stream = File.OpenRead(safetensors);
        Span<byte> length = stackalloc byte[8];
        stream.ReadExactly(length);
        var headerLength = (int)Math.Min(System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(length), 100L << 20);
        var header = new byte[headerLength];
        stream.ReadExactly(header);
        return Convert.ToHexStringLower(SHA256.HashData(header))[..16];
    }
}
