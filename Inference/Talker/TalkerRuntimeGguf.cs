using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Qwen3Tts.Inference.Formats.Gguf;
using Qwen3Tts.Inference.Formats.Npy;
using Qwen3Tts.Inference.Models;

namespace Qwen3Tts.Inference.Talker;

/// <summary>
/// Turns the published talker GGUF into the one llama.cpp runs. The published file pads
/// token_embd/output to the 151936-row text vocabulary, and llama.cpp computes the whole output matrix
/// on every step (stack-notes §F), though the talker is fed embeddings and its logits come from the C# codec
/// head (<see cref="TalkerCodecHead"/>, batch-invariant). So the runtime file keeps the smallest vocabulary
/// llama.cpp loads (<see cref="CodecGgufVocabulary.MinimumSize"/> rows of token_embd/output, never used), and
/// the f32 `codec_head.npy` goes to <see cref="TalkerCodecHeadFile"/> beside it. Layers are copied byte for byte.
/// Done once; the result is reused while the source files are unchanged.
/// </summary>
public static class TalkerRuntimeGguf
{
    private const string FormatVersion = "2";
    internal const string SourceKey = "qwen3tts.runtime.source";

    /// <summary>Validates the source and returns the path of an up-to-date runtime GGUF.</summary>
    public static string Prepare(string sourceGguf, string codecHeadNpy, string? cacheDirectory = null, ILogger? logger = null)
    {
        logger ??= NullLogger.Instance;
        using var source = GgufFile.Open(sourceGguf);
        var config = ValidateSource(source);

        var stamp = Stamp(sourceGguf, codecHeadNpy);
        var target = TargetPath(sourceGguf, cacheDirectory);
        if (IsCurrent(target, stamp))
        {
            return target;
        }

        using var head = NpyFile.Open(codecHeadNpy);
        head.ExpectShape(CodecTokenIds.TalkerVocabSize, config.HiddenSize);
        var headRows = head.ReadAllFloat32();

        var writer = new GgufWriter("qwen3");
        foreach (var key in source.Metadata.Keys)
        {
            // The vocabulary is replaced by the codec ids; a stale vocab_size would contradict it.
            if (key.StartsWith("tokenizer.", StringComparison.Ordinal) || key == "general.architecture" || key.EndsWith(".vocab_size", StringComparison.Ordinal))
            {
                continue;
            }
            writer.CopyMetadata(source.Metadata, key);
        }
        writer.AddString(SourceKey, stamp);
        CodecGgufVocabulary.Add(writer, CodecGgufVocabulary.MinimumSize);
        var rows = CodecGgufVocabulary.MinimumSize;

        foreach (var tensor in source.Tensors)
        {
            switch (tensor.Name)
            {
                case "token_embd.weight":
                    // Rows are contiguous in ggml order, so the first rows are a byte prefix.
                    var rowBytes = GgmlQuantization.RowByteSize(tensor.Type, tensor.RowLength);
                    writer.AddTensorBytes(tensor.Name, [tensor.RowLength, rows], tensor.Type,
                        stream => stream.Write(source.GetTensorBytes(tensor)[..checked((int)(rowBytes * rows))]));
                    break;
                case "output.weight":
                    break;
                default:
                    var t = tensor;
                    writer.AddTensorBytes(t.Name, t.Dimensions, t.Type, stream => stream.Write(source.GetTensorBytes(t)));
                    break;
            }
        }
        writer.AddTensor("output.weight", [config.HiddenSize, rows], GgmlType.F32, headRows.AsMemory(0, rows * config.HiddenSize));

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var hidden = config.HiddenSize;
        writer.WriteTo(target);
        TalkerCodecHeadFile.WriteOrRemove(target, () => TalkerCodecHeadFile.Write(target, stamp, hidden, CodecTokenIds.TalkerVocabSize,
            (first, count, destination) => headRows.AsSpan(checked((int)first * hidden), count * hidden).CopyTo(destination)));
        logger.LogInformation("prepared the runtime talker GGUF {Target} from {Source}", target, sourceGguf);
        return target;
    }

    /// <summary>Checks the published talker file: a llama.cpp qwen3 model whose layers match its metadata.</summary>
    public static Qwen3DecoderConfig ValidateSource(GgufFile source)
    {
        var arch = source.Metadata.TryGetString("general.architecture", out var a) ? a : "";
        if (arch != "qwen3")
        {
            throw new ModelFormatException($"the talker must be a llama.cpp 'qwen3' GGUF, this one is '{arch}'", source.Path);
        }
        var config = Qwen3GgufLayout.ReadConfig(source, "qwen3");
        Qwen3GgufLayout.ValidateStack(source, "blk", "output_norm.weight", config);
        var embd = source.GetTensor("token_embd.weight");
        if (embd.Dimensions.Length != 2 || embd.Dimensions[0] != config.HiddenSize || embd.Dimensions[1] < CodecTokenIds.TalkerVocabSize)
        {
            throw new ModelFormatException(
                $"expected [{config.HiddenSize}, >= {CodecTokenIds.TalkerVocabSize}] (the codec embedding, possibly padded), found {TensorShape.Format(embd.Dimensions)}",
                source.Path, "token_embd.weight");
        }
        return config;
    }

    private static string Stamp(string sourceGguf, string codecHeadNpy) =>
        $"v{FormatVersion};{RuntimeFileLocation.Describe(sourceGguf)};{RuntimeFileLocation.Describe(codecHeadNpy)}";

    private static string TargetPath(string sourceGguf, string? cacheDirectory) =>
        RuntimeFileLocation.For(sourceGguf, Path.GetFileNameWithoutExtension(sourceGguf) + ".runtime.gguf", cacheDirectory);

    /// <summary>The runtime GGUF and its codec head both carry <paramref name="stamp"/>.</summary>
    internal static bool IsCurrent(string target, string stamp) => HasStamp(target, stamp) && TalkerCodecHeadFile.IsCurrent(target, stamp);

    internal static bool HasStamp(string target, string stamp)
    {
        if (!File.Exists(target))
        {
            return false;
        }
        try
        {
            using var existing = GgufFile.Open(target);
            return existing.Metadata.TryGetString(SourceKey, out var s) && s == stamp;
        }
        catch (ModelFormatException)
        {
            return false;
        }
    }
}
