using Qwen3Tts.Inference.Formats.Gguf;

namespace Qwen3Tts.Inference.Talker;

/// <summary>
/// The codec head beside a runtime talker GGUF (<c>X.runtime.gguf</c> → <c>X.runtime.codec-head.gguf</c>): one f32
/// tensor [hidden x 3072] that <see cref="TalkerCodecHead"/> applies in C#. It cannot live in the runtime GGUF itself,
/// because llama.cpp refuses a model file with tensors it does not load, and llama.cpp must not get the real head: it
/// would compute all 3072 logits on every step only for them to be thrown away (the C# head's are batch-invariant).
/// Both files carry the same source stamp and are current only together.
/// </summary>
public static class TalkerCodecHeadFile
{
    public const string TensorName = "codec_head.weight";
    private const string Architecture = "qwen3tts-codec-head";

    public static string PathFor(string runtimeGguf) => Path.ChangeExtension(runtimeGguf, ".codec-head.gguf");

    /// <summary>Writes the head (rows of <paramref name="hidden"/> floats, <paramref name="vocab"/> of them) under the runtime file's stamp.</summary>
    public static void Write(string runtimeGguf, string stamp, int hidden, int vocab, Action<long, int, Span<float>> fillRows, CancellationToken cancellationToken = default)
    {
        var writer = new GgufWriter(Architecture);
        writer.AddString(TalkerRuntimeGguf.SourceKey, stamp);
        writer.AddTensor(TensorName, [hidden, vocab], GgmlType.F32, fillRows);
        writer.WriteTo(PathFor(runtimeGguf), cancellationToken);
    }

    /// <summary>Runs the head's write after the runtime GGUF's; if it fails, the runtime file goes too (one is useless without the other).</summary>
    public static void WriteOrRemove(string runtimeGguf, Action writeHead)
    {
        try
        {
            writeHead();
        }
        catch
        {
            File.Delete(runtimeGguf);
            throw;
        }
    }

    public static bool IsCurrent(string runtimeGguf, string stamp) => TalkerRuntimeGguf.HasStamp(PathFor(runtimeGguf), stamp);
}
