using Qwen3Tts.Inference.Formats.Gguf;
using Qwen3Tts.Inference.Qwen3;

namespace Qwen3Tts.Inference.Talker;

/// <summary>
/// The codec head (<see cref="TalkerCodecHeadFile"/> beside the runtime GGUF, [3072 x hidden]) applied in C# to the hidden state
/// llama.cpp returns. llama.cpp computes the same logits, but with a kernel chosen by the number of rows in the
/// batch (one row alone, several rows tiled), so a request's logits changed in their last bits whenever another
/// request's rows shared its decode: with a 0.6B talker 2,528 of 3,072 logits differed (by up to 3e-6) while the
/// hidden state stayed bit-identical, and over a long text one sampled code eventually flipped, so the same seed
/// gave 5-6 different WAVs under load. These kernels give the same bits for any caller on every path.
/// </summary>
internal sealed class TalkerCodecHead
{
    private readonly QuantizedMatrix _head;

    private TalkerCodecHead(QuantizedMatrix head) => _head = head;

    public int VocabSize => _head.Rows;

    public static TalkerCodecHead Load(string runtimeGguf, int hiddenSize)
    {
        var path = TalkerCodecHeadFile.PathFor(runtimeGguf);
        if (!File.Exists(path))
        {
            throw new ModelFormatException("the codec head file of the runtime talker GGUF is missing (it is written with the runtime GGUF)", path);
        }
        using var gguf = GgufFile.Open(path);
        const string name = TalkerCodecHeadFile.TensorName;
        var tensor = gguf.TryGetTensor(name, out var found) ? found
            : throw new ModelFormatException($"the codec head file has no {name}", path, name);
        if (tensor.RowLength != hiddenSize || !WeightFormats.TryFromGgml(tensor.Type, out var format))
        {
            throw new ModelFormatException(
                $"{name} must be [{hiddenSize} x vocab] in f32, f16, bf16, Q8_0 or Q4_0; found {TensorShape.Format(tensor.Dimensions)} {tensor.Type}", path, name);
        }
        return new TalkerCodecHead(QuantizedMatrix.FromGgml(format, gguf.GetTensorBytes(tensor), checked((int)tensor.RowCount), hiddenSize));
    }

    public void Apply(ReadOnlySpan<float> hidden, Span<float> logits) => _head.MatVec(hidden, logits);
}
